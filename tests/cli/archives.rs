//! Zip sources: a file on disk and one served over loopback HTTP, the
//! download cache and offline runs, `--refresh`, and archives that try to
//! escape or explode.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use zip::write::SimpleFileOptions;

use crate::support::{Scratch, Test};

/// Writes a zip at `path` holding `entries` (a name ending in `/` is a directory).
fn zip(path: &Path, entries: &[(&str, &[u8])]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut writer = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    for (name, contents) in entries {
        if name.ends_with('/') {
            writer.add_directory(*name, SimpleFileOptions::default()).unwrap();
        } else {
            let options = SimpleFileOptions::default().unix_permissions(0o644);
            writer.start_file(*name, options).unwrap();
            writer.write_all(contents).unwrap();
        }
    }
    writer.finish().unwrap();
}

/// A cookiecutter template in a zip, as GitHub's "Download ZIP" lays it out.
fn template_zip(path: &Path, readme: &str) {
    zip(
        path,
        &[
            ("tpl-main/", b""),
            ("tpl-main/cookiecutter.json", br#"{"name": "app"}"#),
            ("tpl-main/{{cookiecutter.name}}/README.md", readme.as_bytes()),
        ],
    );
}

/// A minimal HTTP/1.0 server for the files of one directory on a free
/// loopback port; it stops when dropped.
struct Server {
    port: u16,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Server {
    fn start(root: PathBuf) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        listener.set_nonblocking(true).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let stopping = Arc::clone(&stop);
        let thread = std::thread::spawn(move || {
            while !stopping.load(Ordering::SeqCst) {
                let Ok((stream, _)) = listener.accept() else {
                    std::thread::sleep(std::time::Duration::from_millis(10));
                    continue;
                };
                stream.set_nonblocking(false).unwrap();
                let mut line = String::new();
                BufReader::new(&stream).read_line(&mut line).unwrap();
                let path = line.split_whitespace().nth(1).unwrap_or("/").trim_start_matches('/');
                let mut out = &stream;
                match std::fs::read(root.join(path)) {
                    Ok(body) => {
                        let head = format!("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n", body.len());
                        let _ = out.write_all(head.as_bytes()).and_then(|()| out.write_all(&body));
                    }
                    Err(_) => {
                        let _ = out.write_all(b"HTTP/1.0 404 Not Found\r\nContent-Length: 0\r\n\r\n");
                    }
                }
            }
        });
        Server { port, stop, thread: Some(thread) }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// A stamp run with its cache inside the scratch directory.
fn cached(scratch: &Scratch) -> Test<&Scratch> {
    Test::in_scratch(scratch).env("XDG_CACHE_HOME", scratch.path("cache").to_str().unwrap())
}

#[test]
fn a_local_zip_is_unpacked_and_recorded_with_its_content_digest() {
    let scratch = Scratch::new();
    template_zip(&scratch.path("tpl.zip"), "v1\n");
    cached(&scratch)
        .args(&["tpl.zip", "--no-input", "-o", "out"])
        .leaves_file("out/app/README.md", "v1\n")
        .run();
    // A stamp template from an archive records where it came from and its content's digest.
    let manifest =
        b"[template]\nname = \"z\"\nversion = \"1\"\n[[variables]]\nname = \"n\"\ndefault = \"p\"\n";
    zip(&scratch.path("st.zip"), &[("st/stamp.toml", manifest), ("st/{{cookiecutter.n}}/a.txt", b"a\n")]);
    cached(&scratch).args(&["st.zip", "--no-input", "-o", "st"]).leaves_file("st/p/a.txt", "a\n").run();
    let record = std::fs::read_to_string(scratch.path("st/p/.stamp-answers.toml")).unwrap();
    let src = format!("_src = \"{}\"", scratch.path("st.zip").display());
    assert!(record.contains(&src), "{record}");
    assert!(record.contains("_digest = \"sha256:"), "{record}");
    // --checkout means nothing to an archive.
    cached(&scratch)
        .args(&["st.zip", "--checkout", "v1", "--no-input"])
        .status(2)
        .stderr("error: --checkout names a git branch, tag or commit; `st.zip` is a zip archive\n")
        .run();
}

#[test]
fn a_served_zip_is_cached_and_works_offline_unless_refreshed() {
    let scratch = Scratch::new();
    template_zip(&scratch.path("srv/tpl-main.zip"), "served\n");
    let server = Server::start(scratch.path("srv"));
    let url = format!("http://127.0.0.1:{}/tpl-main.zip", server.port);
    cached(&scratch)
        .args(&[&url, "--no-input", "-o", "online"])
        .leaves_file("online/app/README.md", "served\n")
        .run();
    let missing = format!("http://me:hunter2@127.0.0.1:{}/absent.zip", server.port);
    cached(&scratch)
        .args(&[&missing, "--no-input", "-o", "never"])
        .status(5)
        .stderr_starts_with(&format!(
            "error: cannot download http://***@127.0.0.1:{}/absent.zip\n",
            server.port
        ))
        .stderr_lacks("hunter2")
        .leaves_no("never")
        .run();
    drop(server);
    // The server is gone: the copy downloaded before serves.
    cached(&scratch)
        .args(&[&url, "--no-input", "-o", "offline"])
        .leaves_file("offline/app/README.md", "served\n")
        .run();
    cached(&scratch)
        .args(&[&url, "--refresh", "--no-input", "-o", "fresh"])
        .status(5)
        .stderr_starts_with(&format!("error: cannot download {url}\n"))
        .leaves_no("fresh")
        .run();
}

#[test]
fn archives_that_escape_or_explode_are_refused() {
    let scratch = Scratch::new();
    zip(&scratch.path("escape.zip"), &[("tpl/cookiecutter.json", b"{}"), ("tpl/../../evil", b"x")]);
    cached(&scratch)
        .args(&["escape.zip", "--no-input"])
        .status(3)
        .stderr("error: bad template escape.zip: entry `tpl/../../evil` would land outside the template\n")
        .leaves_no("../evil")
        .run();
    let zeros = vec![0u8; 4096];
    zip(&scratch.path("bomb.zip"), &[("tpl/cookiecutter.json", b"{}"), ("tpl/zeros", &zeros)]);
    cached(&scratch)
        .args(&["bomb.zip", "--no-input"])
        .env("STAMP_MAX_PROJECT_BYTES", "1000")
        .status(3)
        .stderr("error: bad template bomb.zip: it unpacks to more than 1000 bytes\n")
        .run();
    scratch.write("fake.zip", "PK not really");
    cached(&scratch)
        .args(&["fake.zip", "--no-input"])
        .status(3)
        .stderr_starts_with("error: bad template fake.zip: not a readable zip archive")
        .run();
    cached(&scratch)
        .args(&["absent.zip", "--no-input"])
        .status(2)
        .stderr_starts_with("error: no zip file at `absent.zip`: name a template directory")
        .run();
}

/// Python's HTTP server behind TLS with a certificate made for 127.0.0.1,
/// serving `root` on a free loopback port; stopped when dropped.
struct TlsServer(std::process::Child);

impl Drop for TlsServer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn a_zip_over_https_is_downloaded_with_the_users_trust_settings() {
    let scratch = Scratch::new();
    template_zip(&scratch.path("srv/tpl-main.zip"), "over tls\n");
    let (cert, key) = (scratch.path("cert.pem"), scratch.path("key.pem"));
    let made = std::process::Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let script = "import http.server, ssl, sys\n\
        server = http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), http.server.SimpleHTTPRequestHandler)\n\
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n\
        context.load_cert_chain(sys.argv[2], sys.argv[3])\n\
        server.socket = context.wrap_socket(server.socket, server_side=True)\n\
        server.serve_forever()\n";
    let server = TlsServer(
        std::process::Command::new("python3")
            .args(["-c", script, &port.to_string()])
            .arg(&cert)
            .arg(&key)
            .current_dir(scratch.path("srv"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 runs"),
    );
    let started = std::time::Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the TLS server did not start");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let url = format!("https://127.0.0.1:{port}/tpl-main.zip");
    // A certificate nobody vouched for is refused...
    cached(&scratch).args(&[&url, "--no-input", "-o", "untrusted"]).status(5).leaves_no("untrusted").run();
    // ...and accepted once the user trusts it, as curl is told to.
    cached(&scratch)
        .args(&[&url, "--no-input", "-o", "trusted"])
        .env("CURL_CA_BUNDLE", cert.to_str().unwrap())
        .leaves_file("trusted/app/README.md", "over tls\n")
        .run();
    drop(server);
}
