# nlohmann-json for the wasm build (see ../CMakeLists.txt): the header-only
# library from a folder that holds nothing but nlohmann/.
if(NOT TARGET nlohmann_json::nlohmann_json)
  add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
  set_target_properties(nlohmann_json::nlohmann_json PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${MIDIGPT_NLOHMANN_ONLY}")
endif()
