//! File modes, as templates are read and projects written.

/// Whether any execute bit is set.
#[cfg(unix)]
pub(crate) fn is_executable(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode() & 0o111 != 0
}

#[cfg(not(unix))]
pub(crate) fn is_executable(_: &std::fs::Metadata) -> bool {
    false
}

/// Whether only the owner has any permission.
#[cfg(unix)]
pub(crate) fn is_private(metadata: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    metadata.permissions().mode().trailing_zeros() >= 6
}

#[cfg(not(unix))]
pub(crate) fn is_private(_: &std::fs::Metadata) -> bool {
    true
}

/// Makes a file unpacked from an archive executable (`rwxr-xr-x` less the umask's usual bits).
#[cfg(unix)]
pub(crate) fn set_executable(path: &std::path::Path) -> crate::error::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| crate::error::Error::io("set the mode of", path, e))
}

#[cfg(not(unix))]
pub(crate) fn set_executable(_: &std::path::Path) -> crate::error::Result<()> {
    Ok(())
}
