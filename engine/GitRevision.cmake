# Run at build time: writes build_info.cpp with the current git revision, only
# when it changed (so an unchanged tree does not rebuild).
execute_process(
  COMMAND git -C "${SOURCE_DIR}" describe --always --dirty --abbrev=12
  OUTPUT_VARIABLE PASSAGE_GIT_REVISION
  OUTPUT_STRIP_TRAILING_WHITESPACE
  ERROR_QUIET)
if(NOT PASSAGE_GIT_REVISION)
  set(PASSAGE_GIT_REVISION "unknown")
endif()
configure_file("${INPUT}" "${OUTPUT}.new" @ONLY)
file(READ "${OUTPUT}.new" new_content)
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old_content)
else()
  set(old_content "")
endif()
if(NOT new_content STREQUAL old_content)
  file(RENAME "${OUTPUT}.new" "${OUTPUT}")
else()
  file(REMOVE "${OUTPUT}.new")
endif()
