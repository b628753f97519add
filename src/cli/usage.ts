export const USAGE = `usage: accel <url> [options]
       accel -i FILE [-j N] [options]
       accel probe <url> [--json] [request options]

Download:
  -n, --connections N   parallel connections, all opened at once (1-32); without -n, up to 8,
                        added while each step makes the download faster
  -o, --output PATH     where to save (default: the server's filename in the current directory);
                        a relative PATH is taken inside -d DIR
  -d, --dir DIR         the directory to save in (default: the current one)
  -i, --input-file FILE download every URL in FILE, one a line (blank lines and # comments skipped)
  -j, --jobs N          with -i: how many downloads run at once (1-16, default 1: one after another)
      --limit-rate RATE cap the speed, in bytes per second; K, M, G suffixes (1024-based): 500K, 2M
      --checksum sha256=HEX
                        the SHA-256 the file must have; a file that differs is deleted (exit 1). The
                        server's Repr-Digest or Digest: SHA-256 header is checked too when it sends one
      --max-tries N     attempts per request before giving up (1-100, default 5)
      --timeout SECONDS give up a request that gets no answer, or no data, for this long (default 30);
                        it is retried

Requests:
  -H, --header 'Name: value'
                        an extra request header (repeatable); Cookie and Authorization given so go
                        to the URL's own host only, not to a host it redirects to
      --user-agent UA   the User-Agent header
      --referer URL     the Referer header
      --cookie 'a=1; b=2'
                        cookies for the URL's own host
      --load-cookies FILE
                        cookies from a Netscape cookies.txt (as curl, wget and browser add-ons write
                        it), sent to each host by domain, path, secure flag and expiry

Output:
  -q, --quiet           no progress output
  -v, --verbose         also say how the file was hashed
      --json            (probe) print one JSON object
  -h, --help            this help

Run the same command again after an interruption to resume. A server whose TLS certificate is not
trusted fails at once; NODE_EXTRA_CA_CERTS=ca.pem makes Node trust another certificate authority.
Exit status: 0 every file saved, 1 a download failed, 2 bad arguments, 130 interrupted.`;
