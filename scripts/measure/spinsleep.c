// spinsleep: N processes, each of which loops: spin BUSY µs of its own CPU
// time, then sleep IDLE µs, for SECONDS (docs/cpu.md, "Where a woken process
// runs"). Each writes one line a loop to OUT.i: when its spin began and
// ended (ns since the start), its CPU at both, when it woke, its CPU then.
//   gcc -O2 -o /tmp/spinsleep scripts/measure/spinsleep.c
//   scripts/measure/schedtrace /tmp/ss -- /tmp/spinsleep 2000 2000 4 3 /tmp/ss
//   python3 scripts/measure/wakeplace.py /tmp/ss.trace '' spinsleep
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>
static long long ns(clockid_t c){struct timespec t;clock_gettime(c,&t);return t.tv_sec*1000000000LL+t.tv_nsec;}
int main(int argc,char**argv){
  long busy=atol(argv[1])*1000, idle=atol(argv[2])*1000; int n=atoi(argv[3]); double dur=atof(argv[4]); const char*out=argv[5];
  long long t0=ns(CLOCK_MONOTONIC);
  for(int i=0;i<n;i++){ if(fork()==0){
    char fn[256]; snprintf(fn,sizeof fn,"%s.%d",out,i); FILE*f=fopen(fn,"w");
    long long end=t0+(long long)(dur*1e9);
    while(1){
      long long ws=ns(CLOCK_MONOTONIC); int c0=sched_getcpu();
      long long ct=ns(CLOCK_THREAD_CPUTIME_ID)+busy;
      while(ns(CLOCK_THREAD_CPUTIME_ID)<ct);
      int c1=sched_getcpu(); long long we=ns(CLOCK_MONOTONIC);
      struct timespec sl={0,idle}; if(idle>0) nanosleep(&sl,0);
      long long wk=ns(CLOCK_MONOTONIC); int c2=sched_getcpu();
      fprintf(f,"%lld %lld %d %d %lld %d\n",ws-t0,we-t0,c0,c1,wk-t0,c2);
      if(wk>end)break;
    }
    fclose(f); _exit(0);} }
  while(wait(0)>0);
  return 0;
}
