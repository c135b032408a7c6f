# The headers are Debian's nlohmann-json3-dev (3.x); cpp/CMakeLists.txt asks for 3.
set(PACKAGE_VERSION "3")
set(PACKAGE_VERSION_COMPATIBLE TRUE)
if(PACKAGE_FIND_VERSION_MAJOR EQUAL 3)
  set(PACKAGE_VERSION_EXACT TRUE)
endif()
