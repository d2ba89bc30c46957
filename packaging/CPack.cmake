# Packages: cmon-mcp_<version>_amd64.deb and cmon-mcp-<version>.x86_64.rpm (cpack -G "DEB;RPM").
# The unit goes to /usr/lib/systemd/system (systemd's package location on Debian 12 and RPM
# distributions alike); /etc/default/cmon-mcp is a configuration file never overwritten on upgrade.

# cpack (and the package_build_inspect test) packages what is built instead of first building every
# target, tests included: build with scripts/build.sh before packaging.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY ON)

install(FILES ${PROJECT_SOURCE_DIR}/systemd/cmon-mcp.service DESTINATION lib/systemd/system)
install(FILES ${PROJECT_SOURCE_DIR}/etc/default/cmon-mcp DESTINATION /etc/default
        PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/LICENSE DESTINATION share/doc/cmon-mcp)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/docs/ DESTINATION share/doc/cmon-mcp/docs FILES_MATCHING PATTERN "*.md")
install(FILES ${PROJECT_SOURCE_DIR}/packaging/cmon-mcp.1 DESTINATION share/man/man1)

set(CPACK_PACKAGE_NAME cmon-mcp)
set(CPACK_PACKAGE_VENDOR "cmon-mcp project")
set(CPACK_PACKAGE_CONTACT "cmon-mcp maintainers <maintainers@cmon-mcp.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "MCP server for ClusterControl: AI assistants manage database clusters through CMON")
set(CPACK_PACKAGE_DESCRIPTION "cmon-mcp lets AI assistants (Claude, Codex, any MCP client) look after MySQL, MariaDB, \
PostgreSQL, TimescaleDB, MongoDB, SQL Server and Redis clusters through a ClusterControl CMON controller.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_RESOURCE_FILE_LICENSE ${PROJECT_SOURCE_DIR}/LICENSE)
set(CPACK_STRIP_FILES ON)
# Only the daemon and its files; the simulator and the tests stay out of the packages.
set(CPACK_COMPONENTS_ALL Unspecified)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/deb/conffiles ${PROJECT_SOURCE_DIR}/packaging/deb/postinst
    ${PROJECT_SOURCE_DIR}/packaging/deb/prerm ${PROJECT_SOURCE_DIR}/packaging/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

set(CPACK_RPM_FILE_NAME RPM-DEFAULT)
set(CPACK_RPM_PACKAGE_LICENSE "Apache-2.0")
set(CPACK_RPM_PACKAGE_GROUP "Applications/System")
set(CPACK_RPM_PACKAGE_AUTOREQ ON)
set(CPACK_RPM_PACKAGE_REQUIRES_PRE "shadow-utils")
set(CPACK_RPM_USER_FILELIST "%config(noreplace) %attr(0640,root,root) /etc/default/cmon-mcp")
set(CPACK_RPM_EXCLUDE_FROM_AUTO_FILELIST_ADDITION /etc/default /usr/lib/systemd /usr/lib/systemd/system
    /usr/share/man /usr/share/man/man1)
set(CPACK_RPM_PRE_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/pre)
set(CPACK_RPM_POST_INSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/post)
set(CPACK_RPM_PRE_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/preun)
set(CPACK_RPM_POST_UNINSTALL_SCRIPT_FILE ${PROJECT_SOURCE_DIR}/packaging/rpm/postun)

set(CPACK_GENERATOR "DEB;RPM")
include(CPack)
