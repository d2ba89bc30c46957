# Compiler settings shared by every target of the project.

# -Wno-mismatched-new-delete: with optimisation GCC 12 reports Asio's coroutine frames (which pair
# their own operator new and delete) as mismatched; a known false positive of GCC's coroutine lowering.
# CMON_MCP_WERROR=OFF keeps the warnings but not as errors: the sanitizer tree (scripts/build-sanitized.sh)
# is built by clang, whose warning set differs from GCC's, and it exists to find run-time errors.
option(CMON_MCP_WERROR "Treat compiler warnings as errors" ON)
set(CMON_MCP_WARNINGS -Wall -Wextra -Wno-missing-field-initializers)
if(CMON_MCP_WERROR)
  list(APPEND CMON_MCP_WARNINGS -Werror)
endif()
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  list(APPEND CMON_MCP_WARNINGS -Wno-mismatched-new-delete)
endif()

# CMON_MCP_SANITIZE: AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer; any report aborts
# the process (-fno-sanitize-recover), so a test that triggers one fails. CMON_MCP_FUZZ implies it and adds
# libFuzzer's coverage instrumentation (clang only); both can share one build tree, which is what CI does
# (scripts/test.sh) so that the sanitized test run and the fuzzers cost one compilation of the project.
if(CMON_MCP_FUZZ AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "CMON_MCP_FUZZ needs clang (CXX=clang++-14)")
endif()
if(CMON_MCP_SANITIZE OR CMON_MCP_FUZZ)
  set(CMON_MCP_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    # -fno-sanitize=function: clang 14 cannot emit UBSan's function-type check for coroutine frames
    # ("Cannot represent a difference across sections"); every other UBSan check stays on.
    list(APPEND CMON_MCP_SANITIZER_FLAGS -fno-sanitize=function)
  endif()
  add_compile_options(${CMON_MCP_SANITIZER_FLAGS})
  add_link_options(-fsanitize=address,undefined)
endif()
if(CMON_MCP_FUZZ)
  # Coverage instrumentation only; libFuzzer itself is linked into the fuzz_* targets alone
  # (tests/fuzz/CMakeLists.txt), the other binaries get the sanitizer runtime's no-op hooks.
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(CMON_MCP_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

# Linking and code order. lld links each of the many test binaries several times faster than ld.bfd;
# with it, cmon-mcp's functions are laid out in the order of cmake/cmon-mcp.order (scripts/code-order.sh):
# the code run at start-up first, then a first session's. Start-up otherwise touches ~800 KB of code
# scattered over 5.6 MB of text, and since the kernel maps 64 KiB of the file around every page fault,
# 4.2 MiB of the binary stayed resident in an idle daemon; grouped, it is about 1 MiB. -ffunction-sections
# gives every function its own section so that the linker can move it. Not for the sanitizer trees (clang
# names its coroutine parts differently, and their memory does not matter); without lld, the default
# layout.
option(CMON_MCP_CODE_ORDER "Link with lld and lay out cmon-mcp's code by cmake/cmon-mcp.order" ON)
set(CMON_MCP_ORDER_FILE ${PROJECT_SOURCE_DIR}/cmake/cmon-mcp.order)
set(CMON_MCP_ORDER_LINK_OPTIONS "")
if(CMON_MCP_CODE_ORDER AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND NOT (CMON_MCP_SANITIZE OR CMON_MCP_FUZZ OR CMON_MCP_TSAN))
  include(CheckLinkerFlag)
  check_linker_flag(CXX "-fuse-ld=lld" CMON_MCP_HAVE_LLD)
  if(CMON_MCP_HAVE_LLD)
    add_compile_options(-ffunction-sections)
    add_link_options(-fuse-ld=lld)
    # keep-text-section-prefix: GCC's cold parts of functions (.text.unlikely) and static initialisers
    # (.text.startup) stay apart from the rest, as ld.bfd keeps them, instead of between hot functions.
    set(CMON_MCP_ORDER_LINK_OPTIONS "LINKER:--symbol-ordering-file=${CMON_MCP_ORDER_FILE}"
                                    "LINKER:--no-warn-symbol-ordering" "LINKER:-z,keep-text-section-prefix")
  else()
    message(STATUS "lld not found (apt-get install lld): cmon-mcp keeps the default code layout")
  endif()
endif()

# Asio and Beast are compiled once, in src/util/asio_impl.cpp (architecture.md, "Build time").
set(CMON_MCP_ASIO_DEFINITIONS
    BOOST_ASIO_SEPARATE_COMPILATION
    BOOST_BEAST_SEPARATE_COMPILATION
    BOOST_ASIO_NO_DEPRECATED
    BOOST_BEAST_USE_STD_STRING_VIEW)

function(cmon_mcp_target_defaults target)
  target_compile_options(${target} PRIVATE ${CMON_MCP_WARNINGS})
  target_compile_features(${target} PUBLIC cxx_std_20)
endfunction()

# cmon_mcp_layer(NAME DIR [DEPS ...]): a static library of every .cpp in DIR.
function(cmon_mcp_layer name)
  cmake_parse_arguments(L "" "" "DEPS" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(NOT sources)
    # A layer whose folder has no sources yet still links its dependencies through.
    add_library(${name} INTERFACE)
    target_include_directories(${name} INTERFACE ${PROJECT_SOURCE_DIR}/include)
    target_link_libraries(${name} INTERFACE ${L_DEPS})
    return()
  endif()
  add_library(${name} STATIC ${sources})
  target_include_directories(${name} PUBLIC ${PROJECT_SOURCE_DIR}/include)
  target_link_libraries(${name} PUBLIC ${L_DEPS})
  cmon_mcp_target_defaults(${name})
endfunction()
