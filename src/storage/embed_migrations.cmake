# Writes a C++ file that holds every ${DIR}/NNNN_name.sql as a string, in order, returned by
# the function ${FUNCTION}().
file(GLOB files "${SRC_DIR}/${DIR}/*.sql")
list(SORT files)
set(body "")
foreach(f ${files})
  get_filename_component(base ${f} NAME_WE)
  string(REGEX MATCH "^([0-9]+)_(.*)$" _ ${base})
  math(EXPR version "${CMAKE_MATCH_1}")
  file(READ ${f} sql)
  string(APPEND body "      {${version}, \"${CMAKE_MATCH_2}\", R\"__sql__(${sql})__sql__\"},\n")
endforeach()
file(WRITE ${OUT}.tmp "// Generated from src/storage/${DIR} by embed_migrations.cmake. Do not edit.\n#include \"storage/migrations.hpp\"\n\nnamespace mothership::storage {\n\nconst std::vector<migration>& ${FUNCTION}() {\n  static const std::vector<migration> all = {\n${body}  };\n  return all;\n}\n\n}  // namespace mothership::storage\n")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
