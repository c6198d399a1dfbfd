# Debian's libcsv (libcsv-dev, an RFC 4180 parser in C) ships no CMake package configuration:
# define the imported target CSV::csv here.
find_path(CSV_INCLUDE_DIR csv.h)
find_library(CSV_LIBRARY csv)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(CSV REQUIRED_VARS CSV_INCLUDE_DIR CSV_LIBRARY)

if(CSV_FOUND AND NOT TARGET CSV::csv)
  add_library(CSV::csv UNKNOWN IMPORTED)
  set_target_properties(CSV::csv PROPERTIES IMPORTED_LOCATION "${CSV_LIBRARY}"
                                            INTERFACE_INCLUDE_DIRECTORIES "${CSV_INCLUDE_DIR}")
endif()
mark_as_advanced(CSV_INCLUDE_DIR CSV_LIBRARY)
