#!/usr/bin/env python3
# Reads a trace of scripts/measure/schedtrace (2 cores): how long each core
# idled, how long a core idled while two or more of the watched processes
# were runnable on the other, how often a core went idle so, and how many
# of those processes an idle core pulled (docs/cpu.md).
#   python3 scripts/measure/wakeplace.py OUT.trace PID,PID,...   or   OUT.trace '' COMM
import sys,re
fn=sys.argv[1]; pids=set(sys.argv[2].split(',')) if len(sys.argv)>2 and sys.argv[2] else None; pat=sys.argv[3] if len(sys.argv)>3 else 'probe'
ev=re.compile(r'^\s*(.+?)-(\d+)\s+\[(\d+)\]\s+\S+\s+([\d.]+): (\w+): (.*)$'); kv=re.compile(r'(\w+)=(\S+)')
cur=[0,0]; where={}; n=[0,0]; t0=None; last=None; idle=[0.,0.]; waste=[0.,0.]; waste1=[0.,0.]
def match(comm,pid): return (pids and pid in pids) or (not pids and comm==pat)
def add(pid,c):
    o=where.get(pid)
    if o is not None: n[o]-=1
    where[pid]=c; n[c]+=1
def dele(pid):
    o=where.pop(pid,None)
    if o is not None: n[o]-=1
pulls=0; newidle=0
lastcpu={}; pend={}; stay=[]; moved=[]
for line in open(fn):
    m=ev.match(line)
    if not m: continue
    comm,pw,cpu,t,name,rest=m.groups(); cpu=int(cpu); t=float(t); d=dict(kv.findall(rest))
    if t0 is None: t0=t
    if last is not None:
        for c in (0,1):
            if cur[c]==0:
                idle[c]+=t-last
                if n[1-c]>=2: waste[c]+=t-last
                if n[1-c]>=1 and cur[1-c]!=0: waste1[c]+=t-last
    last=t
    if name in('sched_wakeup','sched_wakeup_new'):
        if match(d['comm'],d['pid']):
            tc=int(d['target_cpu']); prev=lastcpu.get(d['pid'])
            if prev is not None and cur[prev]!=0 and cur[1-prev]==0 and name=='sched_wakeup':
                pend[d['pid']]=(t, stay if tc==prev else moved)
            add(d['pid'],tc)
    elif name=='sched_migrate_task':
        if d['pid'] in where: add(d['pid'],int(d['dest_cpu']))
        if match(d['comm'],d['pid']) and comm=='<idle>' : pulls+=1
    elif name=='sched_switch':
        if d['prev_state'][0]!='R' and d['prev_pid'] in where: dele(d['prev_pid'])
        cur[cpu]=int(d['next_pid'])
        lastcpu[d['next_pid']]=cpu
        if d['next_pid'] in pend:
            tw,l=pend.pop(d['next_pid']); l.append((t-tw)*1e6)
        if cur[cpu]==0 and n[1-cpu]>=2: newidle+=1
dur=last-t0
print("window %.2f s idle/cpu %.2f %.2f; idle while other cpu has >=2 matched runnable: %.3f cores; matched-running-elsewhere %.3f; went idle with other >=2: %d; pulls by idle ctx %d"%(dur,idle[0]/dur,idle[1]/dur,sum(waste)/dur,sum(waste1)/dur,newidle,pulls))
st=sorted(stay)
print("woken while the previous core was busy and the other idle: %d stayed (wait p50 %.0f µs, p90 %.0f), %d moved"%(len(stay), st[len(st)//2] if st else 0, st[int(len(st)*.9)] if st else 0, len(moved)))
