"""What every cssegment model shares: JSON, versioned pickling, equality and notebook display.

A model wraps a C++ core object (``_model``) of type ``_core_type`` that has ``to_json``,
``from_json`` and ``==``; subclasses add ``get_params`` and their own methods.

Parameter checks are declared once per class, as in scikit-learn's ``_param_validation``:
``_parameters`` maps each constructor parameter, in the core constructor's order, to the check
that converts it (``check(value, argument) -> value``); ``__init__`` runs them all through
:meth:`Model._checked`, and ``set_params`` and presets rebuild through ``__init__``, so no check is
written twice. Renamed constructor parameters are declared in ``_renamed`` (old -> new).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

from . import _deprecation, _display, _frame
from ._core import InvalidInputError, NotFittedError

STATE_VERSION = 1
_M = TypeVar("_M", bound="Model")

#: Converts and checks one constructor argument: ``check(value, argument name) -> value``.
Check = Callable[[Any, str], Any]


def overridden(
    params: Mapping[str, Any], changes: Mapping[str, Any], argument: str, renamed: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """``params`` with ``changes`` applied; a name that is not a parameter is refused by ``argument``.

    Old names in ``renamed`` (old -> new) are accepted with a DeprecationWarning naming the new one.
    """
    changes = dict(changes)
    _deprecation.rename_keywords(changes, renamed or {}, argument, stacklevel=5)
    unknown = set(changes) - set(params)
    if unknown:
        raise InvalidInputError(f"{argument}: unknown parameter(s) {sorted(unknown)}; known: {sorted(params)}")
    return {**params, **changes}


class Model:
    """Base of the public models: ``to_json`` / ``from_json``, pickling, ``==``, ``repr``."""

    _core_type: ClassVar[Any]
    _parameters: ClassVar[Mapping[str, Check]] = {}
    _renamed: ClassVar[Mapping[str, str]] = {}
    _model: Any

    @classmethod
    def _checked(cls, arguments: Mapping[str, Any]) -> list[Any]:
        """The constructor arguments, each converted by its declared check, in declaration order."""
        return [check(arguments[name], name) for name, check in cls._parameters.items()]

    @classmethod
    def _wrap(cls: type[_M], model: Any) -> _M:
        wrapper = cls.__new__(cls)
        wrapper._model = model
        return wrapper

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor arguments that rebuild this model.

        Parameters
        ----------
        deep : bool
            Accepted for scikit-learn; models hold no nested estimators, so it changes nothing.

        Returns
        -------
        dict
            Argument name -> value; ``type(model)(**model.get_params())`` is an equal model
            (unfitted, for models that learn from data).

        Examples
        --------
        >>> import cssegment as cs
        >>> cs.TierModel([10_000], ["Small", "Large"]).get_params()["thresholds"]
        [10000.0]
        """
        raise NotImplementedError

    def set_params(self: _M, **params: Any) -> _M:
        """Rebuild the model with some constructor arguments changed (a fitted model is unfitted).

        Parameters
        ----------
        **params
            Constructor arguments to change; the others keep their values.

        Returns
        -------
        Model
            The model itself, rebuilt.

        Raises
        ------
        InvalidInputError
            If a name is not a constructor argument.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.TierModel.touch().set_params(thresholds=[5_000, 25_000])
        >>> list(model.assign([6_000, 30_000]))
        ['Low touch', 'High touch']
        """
        merged = overridden(self.get_params(), params, "params", type(self)._renamed)
        type(self).__init__(self, **merged)
        return self

    def __sklearn_clone__(self: _M) -> _M:
        """An unfitted model with the same parameters (what ``sklearn.base.clone`` returns)."""
        return type(self)(**self.get_params())

    def _fitted(self) -> Any:
        """The C++ model, once fitted (models that learn from data)."""
        if not self._model.fitted:
            raise NotFittedError(f"{type(self).__name__}: call fit() before using the model")
        return self._model

    def to_json(self) -> str:
        """The model as a versioned JSON document (``kind`` and ``cssegment_version`` included).

        Returns
        -------
        str
            A JSON object; :meth:`from_json` rebuilds an equal model from it.

        Examples
        --------
        >>> import json, cssegment as cs
        >>> document = json.loads(cs.TierModel.touch().to_json())
        >>> document["kind"], document["cssegment_version"] == cs.__version__
        ('TierModel', True)
        """
        return str(self._model.to_json())

    @classmethod
    def from_json(cls: type[_M], text: str) -> _M:
        """Rebuild a model from :meth:`to_json` output.

        Parameters
        ----------
        text : str
            A JSON document written by ``to_json`` of the same kind of model.

        Returns
        -------
        Model
            A model equal to the one written.

        Raises
        ------
        InvalidInputError
            If the document is not valid JSON, is of another kind of model, was written by a newer
            cssegment, is over 16 MiB or is nested deeper than 64 levels.

        Examples
        --------
        >>> import cssegment as cs
        >>> model = cs.TierModel.touch()
        >>> cs.TierModel.from_json(model.to_json()) == model
        True
        """
        if not isinstance(text, str):
            raise InvalidInputError(f"json: expected a str, got {type(text).__name__}")
        model = cls._wrap(cls._core_type.from_json(_frame.utf8(text, "json")))
        try:  # the document's parameters pass the constructor's checks, e.g. the ranges of integers
            cls._checked(model.get_params())
        except InvalidInputError as error:
            raise InvalidInputError(f"json: {error}") from None
        return model

    def __getstate__(self) -> tuple[int, dict[str, str]]:
        return (STATE_VERSION, {"json": self.to_json()})

    def __setstate__(self, state: tuple[int, dict[str, str]]) -> None:
        if not (isinstance(state, tuple) and len(state) == 2 and isinstance(state[1], dict) and "json" in state[1]):
            raise InvalidInputError(f"state: not a {type(self).__name__} pickle state")
        version, payload = state
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            raise InvalidInputError(f"state: version {version!r} is not a cssegment pickle version")
        if version > STATE_VERSION:
            raise InvalidInputError(f"state: version {version!r} is newer than this cssegment understands")
        self.__dict__.update(type(self).from_json(payload["json"]).__dict__)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and bool(self._model == other._model)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return _display.one_line(type(self).__name__, self._repr_fields())

    def _repr_fields(self) -> Mapping[str, Any]:
        """What ``repr`` shows: the parameters that differ from their defaults, unless a model has a
        shorter summary."""
        return non_default(type(self), self.get_params())

    def _html_sections(self) -> list[str]:
        """HTML tables shown below the parameters (e.g. what a fit learned)."""
        return []

    def _repr_html_(self) -> str:
        """The model in a notebook: its parameters as a table, then what it learned, if anything."""
        return _display.block(type(self).__name__, _display.params(self.get_params()), *self._html_sections())


def non_default(cls: type, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of ``cls(**params)`` that differ from the constructor's defaults: what an
    estimator's ``repr`` shows, as scikit-learn's do."""
    defaults = {
        name: parameter.default
        for name, parameter in inspect.signature(cls).parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }
    return {k: v for k, v in params.items() if k not in defaults or not _same(v, defaults[k])}


def _same(value: Any, default: Any) -> bool:
    """Whether a parameter equals its default, a list its default tuple (``names=("a", "b")``)."""
    if isinstance(value, (list, tuple)) and isinstance(default, (list, tuple)):
        return list(value) == list(default)
    if default is None and isinstance(value, list):  # csm_ratios=None comes back as one None per segment
        return all(v is None for v in value)
    try:
        return bool(value == default)
    except (TypeError, ValueError):  # arrays and the like: not a default
        return False
