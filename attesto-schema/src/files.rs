//! Reading the files a user points attesto at: regular files only, at most
//! [`MAX_FILE_BYTES`], as UTF-8. A FIFO would block the compiler forever and
//! `/dev/zero` would fill its memory; neither is ever opened.

use std::fmt;
use std::io::{self, Read};
use std::path::Path;

/// The most bytes attesto reads from one config, manifest or migration
/// file: a few hundred times what any of them holds.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// Why a file could not be read.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReadError {
    /// There is no file at the path.
    NotFound,
    /// The path names something other than a regular file.
    NotAFile {
        /// What it is: "a directory", "a FIFO", ...
        kind: &'static str,
    },
    /// The file is larger than [`MAX_FILE_BYTES`].
    TooLarge,
    /// The file is not UTF-8 text.
    NotUtf8,
    /// Reading failed.
    Io(io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::NotAFile { kind } => write!(f, "it is {kind}, not a regular file"),
            ReadError::TooLarge => write!(
                f,
                "it is larger than {} MiB, the most attesto reads",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            ReadError::NotUtf8 => f.write_str("it is not UTF-8 text"),
            ReadError::Io(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for ReadError {}

/// What a file system entry is, for messages.
fn kind(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// The text of the regular file at `path`, refusing anything else and
/// anything over [`MAX_FILE_BYTES`].
pub fn read_text(path: &Path) -> Result<String, ReadError> {
    // Look before opening: opening a FIFO blocks until a writer comes.
    let metadata = std::fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ReadError::NotFound,
        _ => ReadError::Io(e),
    })?;
    if !metadata.is_file() {
        return Err(ReadError::NotAFile {
            kind: kind(&metadata.file_type()),
        });
    }
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    // The path may have been replaced since it was looked at.
    let opened = file.metadata().map_err(ReadError::Io)?;
    if !opened.is_file() {
        return Err(ReadError::NotAFile {
            kind: kind(&opened.file_type()),
        });
    }
    if opened.len() > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    let mut bytes = Vec::with_capacity(usize::try_from(opened.len()).unwrap_or(0));
    // A file that grows while it is read still stops at the cap.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadError::TooLarge);
    }
    String::from_utf8(bytes).map_err(|_| ReadError::NotUtf8)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("attesto-files-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("scratch dir");
        dir
    }

    #[test]
    fn reads_a_regular_file() {
        let dir = scratch("regular");
        let path = dir.join("a.toml");
        std::fs::write(&path, "a = 1\n").expect("write");
        assert_eq!(read_text(&path).expect("read"), "a = 1\n");
    }

    #[test]
    fn refuses_what_is_not_a_regular_file() {
        let dir = scratch("special");
        assert!(matches!(
            read_text(&dir),
            Err(ReadError::NotAFile {
                kind: "a directory"
            })
        ));
        assert!(matches!(
            read_text(&dir.join("missing")),
            Err(ReadError::NotFound)
        ));
        #[cfg(unix)]
        {
            assert!(matches!(
                read_text(Path::new("/dev/zero")),
                Err(ReadError::NotAFile { kind: "a device" })
            ));
            let fifo = dir.join("fifo");
            let made = std::process::Command::new("mkfifo").arg(&fifo).status();
            if made.is_ok_and(|s| s.success()) {
                // Would block forever if it were opened.
                assert!(matches!(
                    read_text(&fifo),
                    Err(ReadError::NotAFile { kind: "a FIFO" })
                ));
            }
        }
    }

    #[test]
    fn refuses_a_file_over_the_cap_and_one_not_utf8() {
        let dir = scratch("large");
        let big = dir.join("big.toml");
        let file = std::fs::File::create(&big).expect("create");
        file.set_len(MAX_FILE_BYTES + 1).expect("grow");
        assert!(matches!(read_text(&big), Err(ReadError::TooLarge)));
        let binary = dir.join("binary");
        std::fs::write(&binary, [0xff, 0xfe]).expect("write");
        assert!(matches!(read_text(&binary), Err(ReadError::NotUtf8)));
    }
}
