# Measures report --watch: starts it on a notebook, saves an edit to its last code cell N times and prints the time from
# each save to the server-sent update event, then the server's own log lines (cells' own code vs runner time).
# Usage (from the repository root, after dotnet build; edits the file given, so pass a copy whose ../lib and ../data resolve):
#   python3 runner/Watch/watch-latency.py /tmp/wb/notebooks/03-product-ranking.dib 5 bin/Debug/net10.0/workbook.dll
import subprocess, sys, time, re, socket, threading, http.client, json
dib, n = sys.argv[1], int(sys.argv[2])
cli = sys.argv[3]
p = subprocess.Popen(["dotnet", cli, "report", "--watch", dib, "--output", "/tmp/wb-watch-latency-reports"], stdout=subprocess.PIPE, text=True)
url = re.search(r"http://127\.0\.0\.1:(\d+)/", p.stdout.readline()); port = int(url.group(1))
lines = []
def pump():
    for l in p.stdout: lines.append(l.rstrip())
threading.Thread(target=pump, daemon=True).start()
name = dib.rsplit("/",1)[1][:-4]
events = []
def listen():
    c = http.client.HTTPConnection("127.0.0.1", port); c.request("GET", "/events"); r = c.getresponse()
    while True:
        l = r.fp.readline().decode()
        if l.startswith("data:") and '"version"' in l and name in l: events.append((time.time(), json.loads(l[5:])["version"]))
while not any(" run 1," in l for l in lines): time.sleep(0.2)
threading.Thread(target=listen, daemon=True).start(); time.sleep(1)
text = open(dib).read(); at = text.rindex("#!csharp\n\n") + len("#!csharp\n\n")
for i in range(n):
    before = len(events); t0 = time.time()
    open(dib, "w").write(text[:at] + f'Console.WriteLine("edit {i}");\n' + text[at:])
    while len(events) == before: time.sleep(0.005)
    print(f"save -> page event {events[-1][0]-t0:.3f} s"); time.sleep(1.5)
time.sleep(0.5)
for l in lines: print(l)
p.terminate(); p.wait(20); print("exit", p.returncode)
