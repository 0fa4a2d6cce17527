# SPDX-License-Identifier: MIT
# The Debian package: `cpack -G DEB` in a build directory makes tend_<version>_<arch>.deb with
# /usr/bin/tend, its man page and the Debian copyright and changelog files. tend is static, so
# the package depends on nothing.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME tend)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The tend authors")
set(TEND_MAINTAINER "tend maintainers <tend@example.org>" CACHE STRING
  "Maintainer of the Debian package: Name <address>")
set(CPACK_PACKAGE_CONTACT "${TEND_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "minimal init and process supervisor for containers")
# The extended description; CPack puts the summary above it and indents it as Debian wants.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "tend runs one command as a minimal init: it reaps zombies, forwards signals
to the command's process group, stops it gracefully with SIGKILL escalation
after a grace period, cleans up what it left behind, and exits with its
status.

It is used as a container's ENTRYPOINT (PID 1), in front of a daemon on a
server (as child subreaper), and in a terminal, where it keeps job control
working. The binary is statically linked, so it can be copied into an image
that has no C library.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS OFF)
# Directories 0755 and files 0644/0755 whatever the builder's umask, as dpkg expects.
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE
  GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

find_program(TEND_DPKG dpkg)
if(TEND_DPKG)
  execute_process(COMMAND ${TEND_DPKG} --print-architecture
    OUTPUT_VARIABLE CPACK_DEBIAN_PACKAGE_ARCHITECTURE OUTPUT_STRIP_TRAILING_WHITESPACE)
endif()

# Debian wants /usr/share/doc/<package>/copyright and a gzipped changelog in every package.
set(TEND_DEBIAN_DOC ${CMAKE_BINARY_DIR}/debian-doc)
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/copyright ${TEND_DEBIAN_DOC}/copyright COPYONLY)
# The changelog entry is dated like the commit, so the same commit packs the same bytes.
execute_process(COMMAND git log -1 --format=%aD WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
  OUTPUT_VARIABLE TEND_COMMIT_DATE OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
if(NOT TEND_COMMIT_DATE)
  set(TEND_COMMIT_DATE "Thu, 01 Jan 1970 00:00:00 +0000")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/debian/changelog.in ${TEND_DEBIAN_DOC}/changelog @ONLY)
install(FILES ${TEND_DEBIAN_DOC}/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
find_program(TEND_GZIP gzip)
if(TEND_GZIP)
  # -n leaves the name and time out of the header, so the package builds reproducibly.
  execute_process(COMMAND ${TEND_GZIP} -9nf ${TEND_DEBIAN_DOC}/changelog)
  install(FILES ${TEND_DEBIAN_DOC}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()
# tend is static on purpose (it must run in an image without a C library): tell lintian.
install(FILES ${CMAKE_CURRENT_LIST_DIR}/debian/lintian-overrides
  DESTINATION ${CMAKE_INSTALL_DATADIR}/lintian/overrides RENAME tend)

include(CPack)
