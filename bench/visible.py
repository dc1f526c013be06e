# bench/visible.py: publish to visible. Adds TRIALS stories with
# "khabar article add" to DB while a server (or a cache in front of
# servers) answers on PORT, and for each waits until its home page shows
# the story. Prints, in ms, seven figures: the command's own run (median,
# slowest); from the command's start until visible (median, slowest); from
# the command's end, when the story is committed, until visible (p50, p99,
# slowest). Used by bench/pg.sh and bench/varnish.sh.
#
# Usage: python3 bench/visible.py PORT DB TRIALS TMPDIR
import http.client, os, statistics, subprocess, sys, time

port, db, trials, tmp = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
conn = None


def home():
    global conn
    for _ in range(2):
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/")
            return conn.getresponse().read()
        except (OSError, http.client.HTTPException):
            conn = None
    return b""


home()
cli, seen, after = [], [], []
for i in range(trials):
    marker = "bench-visible-%d-%d" % (os.getpid(), i)
    path = os.path.join(tmp, marker + ".md")
    with open(path, "w") as f:
        f.write("---\ntitle: बेंचमार्क प्रकाशन %s\ncategory: raksha\nstatus: published\n---\n\nएक पंक्ति।\n" % marker)
    t0 = time.monotonic()
    subprocess.run(["./khabar", "article", "add", path, "--db", db], check=True, stdout=subprocess.DEVNULL)
    t1 = time.monotonic()
    while marker.encode() not in home():
        if time.monotonic() - t1 > 10:
            break
        time.sleep(0.002)
    t2 = time.monotonic()
    gone = t2 - t1 > 10
    cli.append((t1 - t0) * 1000)
    seen.append(float("inf") if gone else (t2 - t0) * 1000)
    after.append(float("inf") if gone else (t2 - t1) * 1000)
    time.sleep(0.3)  # a commit apart from the next, as publishing is
after.sort()
p = lambda q: after[min(len(after) - 1, int(q * len(after)))]
print("%.0f %.0f %.0f %.0f %.0f %.0f %.0f" % (statistics.median(cli), max(cli), statistics.median(seen), max(seen),
                                                p(0.5), p(0.99), after[-1]))
