"""Sorts perf script samples of a bench child into syscalls, runtime, and managed assemblies, in microseconds per message.

Usage: perf script -i OUT.data | python3 perf-categories.py ROWS SAMPLE_HZ
"""
import sys, re, collections
rows = int(sys.argv[1]); hz = int(sys.argv[2])
cats = collections.Counter(); total = 0; stack = []
order = [('sendto','__x64_sys_sendto'),('sched_yield','sched_yield'),('epoll_wait','epoll_wait'),('recvfrom','__x64_sys_recvfrom'),('futex','futex'),('page_fault','page_fault')]
def flush():
    global total
    if not stack: return
    total += 1
    joined = '\n'.join(stack)
    for name, pat in order:
        if pat in joined:
            cats[name] += 1; break
    else:
        top = stack[0]
        if '[kernel' in top or top.startswith(('[k]',)) : cats['kernel other'] += 1
        elif 'libcoreclr' in top: cats['coreclr'] += 1
        elif 'libclrjit' in top: cats['jit compiler'] += 1
        elif 'perf-' in top or '.map' in top: 
            m = re.search(r'\[(Jelou|Polly|System\.Net\.Http|System\.Net\.Sockets|System\.Private\.CoreLib|System\.Text\.Json|System\.Collections\.Concurrent|System\.Private\.Uri|System\.Threading\.RateLimiting|System\.Runtime)[^\]]*\]', top)
            cats['managed ' + (m.group(1) if m else 'other')] += 1
        elif 'libc' in top: cats['libc'] += 1
        else: cats['other ' + top.split('(')[-1][:30]] += 1
    stack.clear()
for line in sys.stdin:
    line = line.rstrip('\n')
    if not line.strip(): flush(); continue
    if line[0] in ' \t':
        stack.append(line.strip())
flush()
us = 1e6 / hz / rows
print(f"total {total*us:.1f} us/msg")
for k, v in cats.most_common(): print(f"  {k:32s} {v*us:5.2f}")
