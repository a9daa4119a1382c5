"""Profiles one bench child with perf during its measured phase only (between MEASURE-START and MEASURE-END).

Usage: python3 perf-record.py SCENARIO ROWS OUT.data BASE_URI   (a fake must be running at BASE_URI)
Then:  perf script -i OUT.data | python3 perf-categories.py ROWS 4000
"""
import subprocess, sys, os, signal, time
scenario, rows, out = sys.argv[1], sys.argv[2], sys.argv[3]
env = dict(os.environ, DOTNET_PerfMapEnabled="1", DOTNET_EnableWriteXorExecute="0")
p = subprocess.Popen(["dotnet", os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Jelou.Bench", "bin", "Release", "net10.0", "Jelou.Bench.dll"), "run", "--scenario", scenario, "--rows", rows, "--latency", "0", "--throttle", "32", "--base-uri", sys.argv[4]], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, text=True)
perf = None
for line in p.stdout:
    if "MEASURE-START" in line and perf is None:
        perf = subprocess.Popen(["perf", "record", "-F", "4000", "-g", "-p", str(p.pid), "-o", out], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if "MEASURE-END" in line and perf is not None:
        perf.send_signal(signal.SIGINT); perf.wait()
    if line.startswith("RESULT"):
        import json; d = json.loads(line[7:]); print(d["Scenario"], int(d["MessagesPerSecond"]), round(d["CpuMicrosPerMessage"], 1))
p.wait()
