#ifndef RINGOS_SELFTEST_H
#define RINGOS_SELFTEST_H

void selftest_run(void);

#endif
