"""Stubs of cssegment._core.causal: regression discontinuity estimates and the density test at a
cut-off (bindings in src/python/bind_causal.cpp)."""
