# Finds cssegment's two header-only dependencies, Eigen (3.4 through 5) and nlohmann/json (3.9+):
# the system's CMake packages first, else the PyPI packages `cmeel-eigen` (its CMake package under
# <site-packages>/cmeel.prefix; 3.4.1+, whose version file takes the range) and `nlohmann-json` (its
# headers) importable by Python_EXECUTABLE, or by the first python3 found. pip installs both as
# build requirements of the wheel, so `pip install` needs nothing from the system but a C++20 compiler.
# Included by CMakeLists.txt and by the installed cssegmentConfig.cmake; sets
# cssegment_MISSING_DEPENDENCIES to what it could not find (empty when both are there).

set(cssegment_MISSING_DEPENDENCIES "")
if(NOT TARGET Eigen3::Eigen)
  # Eigen 3.4.1+ and 5 accept the range; 3.4.0's version file rejects ranges across major versions.
  find_package(Eigen3 3.4...5 QUIET NO_MODULE)
  if(NOT TARGET Eigen3::Eigen)
    find_package(Eigen3 3.4 QUIET NO_MODULE)
  endif()
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  find_package(nlohmann_json 3.9 QUIET)
endif()

if(NOT TARGET Eigen3::Eigen OR NOT TARGET nlohmann_json::nlohmann_json)
  set(_cssegment_python "${Python_EXECUTABLE}")
  if(NOT _cssegment_python)
    find_program(_cssegment_python NAMES python3 python)
  endif()
  if(_cssegment_python)
    execute_process(
      COMMAND "${_cssegment_python}" -c [=[
import importlib.util, pathlib, sys
eigen = next((p / "cmeel.prefix" for p in map(pathlib.Path, sys.path) if (p / "cmeel.prefix" / "share" / "eigen3").is_dir()), "")
json = importlib.util.find_spec("nlohmann_json")
print(pathlib.Path(eigen).as_posix() if eigen else "")
print((pathlib.Path(json.origin).parent / "include").as_posix() if json and json.origin else "")
]=]
      OUTPUT_VARIABLE _cssegment_pypi OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
    string(REPLACE "\n" ";" _cssegment_pypi "${_cssegment_pypi};;")
    list(GET _cssegment_pypi 0 _cssegment_eigen_prefix)
    list(GET _cssegment_pypi 1 _cssegment_json_include)
    if(NOT TARGET Eigen3::Eigen AND _cssegment_eigen_prefix)
      find_package(Eigen3 3.4...5 QUIET NO_MODULE PATHS "${_cssegment_eigen_prefix}" NO_DEFAULT_PATH)
      if(TARGET Eigen3::Eigen)
        message(STATUS "cssegment: Eigen ${Eigen3_VERSION} from PyPI (cmeel-eigen, ${_cssegment_eigen_prefix})")
      endif()
    endif()
    if(NOT TARGET nlohmann_json::nlohmann_json AND EXISTS "${_cssegment_json_include}/nlohmann/json.hpp")
      add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
      set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
        INTERFACE_INCLUDE_DIRECTORIES "${_cssegment_json_include}")
      message(STATUS "cssegment: nlohmann/json from PyPI (nlohmann-json, ${_cssegment_json_include})")
    endif()
  endif()
endif()

if(NOT TARGET Eigen3::Eigen)
  list(APPEND cssegment_MISSING_DEPENDENCIES
       "Eigen 3.4 to 5 (apt install libeigen3-dev, brew install eigen, conda install eigen, pip install cmeel-eigen)")
endif()
if(NOT TARGET nlohmann_json::nlohmann_json)
  list(APPEND cssegment_MISSING_DEPENDENCIES "nlohmann/json 3.9+ (apt install nlohmann-json3-dev, \
brew install nlohmann-json, conda install nlohmann_json, pip install nlohmann-json)")
endif()
