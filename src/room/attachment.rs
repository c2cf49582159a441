//! Attachments: a file is encrypted with age to a key of its own, uploaded to the room's
//! `blobs/` directory under the SHA-256 of its ciphertext, and announced by an ordinary
//! signed record (kind `attachment`) that carries the name, size, hashes and the file's
//! key. Only those who can read the record can read the file, the relay sees only its
//! size, and the record's signature vouches for the hashes a reader checks.
//!
//! Uploads resume: the encrypted file and its key wait in the state directory until the
//! record is journaled, so a failed `send --file` repeated later continues where the
//! relay's copy stops (SIZE, then APPE of the rest). Downloads are checked against both
//! hashes and written only inside the chosen directory, under a sanitised name.

use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::ExposeSecret;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::paths::{ensure_private_dir, write_private};
use crate::protocol::attachment::{Attachment, BLOB_DIR, safe_name, valid_blob_name};
use crate::protocol::encoding::hex;
use crate::store::{MAX_DOWNLOAD, Store, Support, join};

/// An encrypted file ready to upload.
#[derive(Debug)]
pub struct Prepared {
    /// The record body to send once uploaded (text still empty).
    pub meta: Attachment,
    /// The local ciphertext.
    pub cipher: PathBuf,
    cache: PathBuf,
}

fn sha256_file(path: &Path) -> Result<String> {
    let mut f = BufReader::new(File::open(path).map_err(|e| Error::io("cannot read", path, e))?);
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = f
            .read(&mut buf)
            .map_err(|e| Error::io("cannot read", path, e))?;
        if n == 0 {
            return Ok(hex(&h.finalize()));
        }
        h.update(&buf[..n]);
    }
}

/// Encrypts `path` for upload (or finds the copy a failed earlier send left).
///
/// # Errors
///
/// Files over `max` bytes, unreadable files, state directory errors.
pub fn prepare(state: &Path, path: &Path, max: u64) -> Result<Prepared> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io("cannot read", path, e))?;
    if !meta.is_file() {
        return Err(Error::Usage(format!(
            "{} is not a regular file",
            path.display()
        )));
    }
    if meta.len() > max {
        return Err(Error::Usage(format!(
            "{} is {} bytes; the attachment limit is {max} bytes (--max-attachment)",
            path.display(),
            meta.len()
        )));
    }
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .map(safe_name)
        .unwrap_or_else(|| "attachment".into());
    let plain_hash = sha256_file(path)?;
    let dir = state.join("uploads");
    ensure_private_dir(&dir)?;
    let cache = dir.join(format!("{plain_hash}.json"));
    let cipher = dir.join(format!("{plain_hash}.age"));
    if let Some(meta) = std::fs::read(&cache)
        .ok()
        .and_then(|b| serde_json::from_slice::<Attachment>(&b).ok())
        .filter(|m| {
            cipher.exists() && sha256_file(&cipher).ok().as_deref() == m.blob.strip_suffix(".age")
        })
    {
        return Ok(Prepared {
            meta: Attachment { name, ..meta },
            cipher,
            cache,
        });
    }
    let identity = age::x25519::Identity::generate();
    let recipient = identity.to_public();
    {
        let out = File::create(&cipher).map_err(|e| Error::io("cannot write", &cipher, e))?;
        let encryptor =
            age::Encryptor::with_recipients(std::iter::once(&recipient as &dyn age::Recipient))
                .map_err(|e| Error::Usage(format!("cannot encrypt: {e}")))?;
        let mut w = encryptor
            .wrap_output(std::io::BufWriter::new(out))
            .map_err(|e| Error::io("cannot write", &cipher, e))?;
        let mut input = File::open(path).map_err(|e| Error::io("cannot read", path, e))?;
        std::io::copy(&mut input, &mut w).map_err(|e| Error::io("cannot encrypt", path, e))?;
        w.finish()
            .and_then(|mut b| b.flush())
            .map_err(|e| Error::io("cannot write", &cipher, e))?;
    }
    let meta = Attachment {
        name,
        size: meta.len(),
        sha256: plain_hash,
        blob: format!("{}.age", sha256_file(&cipher)?),
        key: identity.to_string().expose_secret().to_string(),
        text: String::new(),
    };
    write_private(&cache, &serde_json::to_vec(&meta).expect("json"), true)?;
    Ok(Prepared {
        meta,
        cipher,
        cache,
    })
}

/// Uploads a prepared file to `room_dir/blobs/`, resuming a partial copy.
///
/// # Errors
///
/// Network errors (the local copy stays for the next try).
pub fn upload(
    conn: &mut dyn Store,
    room_dir: &str,
    p: &Prepared,
    progress: &dyn Fn(u64),
) -> Result<()> {
    upload_to(conn, room_dir, p, progress).map_err(|e| {
        if crate::signals::interrupted() {
            Error::Interrupted
        } else {
            e
        }
    })
}

fn upload_to(
    conn: &mut dyn Store,
    room_dir: &str,
    p: &Prepared,
    progress: &dyn Fn(u64),
) -> Result<()> {
    use std::io::{Seek, SeekFrom};
    let dir = join(room_dir, BLOB_DIR);
    conn.mkdir_all(&dir);
    let (name, local) = (&p.meta.blob, &p.cipher);
    let len = std::fs::metadata(local)
        .map_err(|e| Error::io("cannot read", local, e))?
        .len();
    let mut remote = conn.size(&dir, name)?.unwrap_or(0);
    if remote == len {
        progress(len);
        return Ok(());
    }
    if remote > len {
        conn.delete(&dir, name)?;
        remote = 0;
    }
    progress(remote);
    let open_at = |offset: u64| -> Result<ProgressReader<'_>> {
        let mut f = File::open(local).map_err(|e| Error::io("cannot read", local, e))?;
        f.seek(SeekFrom::Start(offset))
            .map_err(|e| Error::io("cannot read", local, e))?;
        Ok(ProgressReader {
            inner: f,
            done: offset,
            progress,
        })
    };
    // Resume by appending the rest; a store that cannot append takes the whole file.
    // The blob is whole only at exactly `len` bytes: an interrupted upload's bytes still
    // in flight can land before the resumed ones, so a resume that ends at another size
    // is redone from the start.
    if remote > 0
        && conn.capabilities().append != Support::No
        && conn.append_from(&dir, name, &mut open_at(remote)?)?
        && conn.size(&dir, name)? == Some(len)
    {
        return Ok(());
    }
    conn.put_from(&dir, name, &mut open_at(0)?)?;
    match conn.size(&dir, name)? {
        Some(n) if n == len => Ok(()),
        got => Err(Error::Relay {
            host: conn.host().to_string(),
            what: format!("upload {name}"),
            reason: format!(
                "the relay holds {} bytes of a {len}-byte file after the upload (another \
                 upload of it may still be arriving); try again",
                got.unwrap_or(0)
            ),
            timeout: false,
        }),
    }
}

/// Counts bytes read for a progress display.
struct ProgressReader<'a> {
    inner: File,
    done: u64,
    progress: &'a dyn Fn(u64),
}

impl Read for ProgressReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        // Ctrl-C stops the upload between chunks (not `ErrorKind::Interrupted`, which
        // readers retry); what was uploaded stays for the next try to resume.
        if crate::signals::interrupted() {
            return Err(std::io::Error::other("interrupted"));
        }
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        (self.progress)(self.done);
        Ok(n)
    }
}

/// Forgets the local copy once the record announcing it is journaled.
pub fn done(p: &Prepared) {
    let _ = std::fs::remove_file(&p.cipher);
    let _ = std::fs::remove_file(&p.cache);
}

/// Downloads the attachment a verified message announces, if it is one, refusing files
/// from senders the roster does not vouch for.
///
/// # Errors
///
/// Network errors, a blob that does not match its signed hashes, local write errors.
pub fn save_announced(
    session: &mut super::Session,
    m: &super::reader::Message,
    dest: &Path,
) -> Result<Option<PathBuf>> {
    if m.kind.as_deref() != Some(crate::protocol::attachment::KIND) || !m.verified {
        return Ok(None);
    }
    if m.unjudged {
        return Err(Error::NotAllowed(
            "not downloading a file whose sender could not be checked: the room owner's \
             feed (the roster) was not read from its start; `ftpchat verify` says why"
                .into(),
        ));
    }
    if matches!(m.roster, Some("unknown" | "removed")) {
        return Err(Error::Usage(format!(
            "not downloading a file from a sender who is {} in the room's roster",
            if m.roster == Some("unknown") {
                "not a member"
            } else {
                "removed"
            }
        )));
    }
    let Some(a) = &m.attachment else {
        return Err(Error::Usage("malformed attachment record".into()));
    };
    session.with(|s, t| fetch(s, &t.dir, a, dest)).map(Some)
}

/// Downloads, checks and decrypts an attachment into `dest` (never outside it).
/// Returns the path written.
///
/// # Errors
///
/// Hash or size mismatches (the relay altered the blob), a missing blob, network and
/// local errors.
pub fn fetch(conn: &mut dyn Store, room_dir: &str, a: &Attachment, dest: &Path) -> Result<PathBuf> {
    if !valid_blob_name(&a.blob) {
        return Err(Error::Usage(format!(
            "attachment names an invalid blob {:?}",
            crate::protocol::text::sanitize(&a.blob)
        )));
    }
    let dir = join(room_dir, BLOB_DIR);
    let host = conn.host().to_string();
    let bad = |why: String| Error::Refused {
        host: host.clone(),
        what: format!("attachment {}", a.blob),
        reply: why,
    };
    let Some(cipher) = conn.read(&dir, &a.blob, 0, MAX_DOWNLOAD)? else {
        return Err(bad("the blob is missing on the relay".into()));
    };
    if format!("{}.age", hex(&Sha256::digest(&cipher))) != a.blob {
        return Err(bad(
            "the blob's hash does not match: altered on the relay".into()
        ));
    }
    let identity: age::x25519::Identity = a
        .key
        .parse()
        .map_err(|_| bad("the record's blob key is malformed".into()))?;
    let decryptor = age::Decryptor::new_buffered(&cipher[..]).map_err(|e| bad(e.to_string()))?;
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| bad(e.to_string()))?;
    let mut plain = Vec::new();
    reader
        .by_ref()
        .take(a.size + 1)
        .read_to_end(&mut plain)
        .map_err(|e| bad(e.to_string()))?;
    if plain.len() as u64 != a.size || hex(&Sha256::digest(&plain)) != a.sha256 {
        return Err(bad(
            "the decrypted file does not match the size and hash the record signed".into(),
        ));
    }
    std::fs::create_dir_all(dest).map_err(|e| Error::io("cannot create directory", dest, e))?;
    write_new(dest, &safe_name(&a.name), &plain)
}

/// Writes `bytes` to a new file `dest/name` (or `dest/N-name` when that exists), never
/// following or replacing anything already there: the temporary file is created
/// exclusively (`O_EXCL`, so a planted symlink is refused, not followed) and linked to
/// its final name only if that name is free.
fn write_new(dest: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf> {
    let (tmp, mut file) = create_exclusive(dest)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    drop(file);
    let result = written
        .map_err(|e| Error::io("cannot write", &tmp, e))
        .and_then(|()| link_free_name(&tmp, dest, name));
    let _ = std::fs::remove_file(&tmp);
    result
}

/// A fresh `.ftpchat-<pid>-<n>.part` in `dest`, created with `O_EXCL`.
fn create_exclusive(dest: &Path) -> Result<(PathBuf, std::fs::File)> {
    let mut n = 0u32;
    loop {
        let tmp = dest.join(format!(".ftpchat-{}-{n}.part", std::process::id()));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)
        {
            Ok(f) => return Ok((tmp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 1000 => n += 1,
            Err(e) => return Err(Error::io("cannot create", &tmp, e)),
        }
    }
}

/// Gives `tmp` the first free name of `name`, `1-name`, `2-name`, ... in `dest`. A hard
/// link fails rather than replace an existing file; where the file system has no hard
/// links, a rename is used after checking the name is free.
fn link_free_name(tmp: &Path, dest: &Path, name: &str) -> Result<PathBuf> {
    for n in 0..10_000u32 {
        let path = if n == 0 {
            dest.join(name)
        } else {
            dest.join(format!("{n}-{name}"))
        };
        match std::fs::hard_link(tmp, &path) {
            Ok(()) => return Ok(path),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(_) if std::fs::symlink_metadata(&path).is_err() => {
                return std::fs::rename(tmp, &path)
                    .map(|()| path.clone())
                    .map_err(|e| Error::io("cannot write", &path, e));
            }
            Err(_) => {}
        }
    }
    Err(Error::io(
        "no free name for",
        dest.join(name),
        std::io::Error::from(std::io::ErrorKind::AlreadyExists),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn a_planted_symlink_is_neither_followed_nor_replaced() {
        let dir = std::env::temp_dir().join(format!("ftpchat-attach-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("mkdir");
        let victim = dir.join("victim");
        std::fs::write(&victim, "precious").expect("write");
        // Where the temporary file will be made, and the name the file will be saved as.
        let tmp = dir.join(format!(".ftpchat-{}-0.part", std::process::id()));
        std::os::unix::fs::symlink(&victim, &tmp).expect("symlink");
        std::os::unix::fs::symlink(&victim, dir.join("report.pdf")).expect("symlink");

        let saved = write_new(&dir, "report.pdf", b"attachment bytes").expect("saved");

        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
        assert_eq!(saved, dir.join("1-report.pdf"));
        assert_eq!(std::fs::read(&saved).expect("read"), b"attachment bytes");
        assert!(
            std::fs::symlink_metadata(&tmp)
                .expect("still there")
                .file_type()
                .is_symlink()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
