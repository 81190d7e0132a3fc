#ifndef RINGOS_MM_H
#define RINGOS_MM_H

void mm_init(void);
void mm_report(void);

#endif
