//! Folder relays (`file:///path` or a bare absolute path): what a folder on a mounted
//! disk adds to the relay cycle that tests/relay_cycle.rs runs on every store: a missing
//! mount queues messages instead of losing them or creating the folder, and the queue
//! goes out once the disk is back.

mod common;

use common::{members, ok};

#[test]
fn an_unmounted_folder_queues_and_the_queue_goes_out_when_it_is_back() {
    let top = tempfile::tempdir().expect("dir");
    let mount = top.path().join("usb");
    let url = mount.display().to_string();
    let (alice, bob) = members();
    let out = alice
        .cmd()
        .args(["send", "while unplugged", "--relay", &url, "--room", "r"])
        .output()
        .expect("send");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "queued: {err}");
    assert!(err.contains("mounted"), "says what to check: {err}");
    assert!(!mount.exists(), "a missing mount point is never created");
    std::fs::create_dir(&mount).expect("plug in");
    ok(
        alice
            .cmd()
            .args(["outbox", "flush"])
            .output()
            .expect("flush"),
        "outbox flush",
    );
    let file_url = format!("file://{url}");
    let shown = ok(
        bob.cmd()
            .args(["watch", "--once", "--relay", &file_url, "--room", "r"])
            .output()
            .expect("watch"),
        "watch",
    );
    assert!(shown.contains("while unplugged"), "{shown}");
}

#[test]
fn a_file_url_with_a_host_is_refused_clearly() {
    let (alice, _) = members();
    let out = alice
        .cmd()
        .args(["send", "x", "--relay", "file://server/share", "--room", "r"])
        .output()
        .expect("send");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("file:///path"), "{err}");
}
