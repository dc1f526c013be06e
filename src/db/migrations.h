/* migrations.h: the numbered schema steps (see migrations.c). */
#ifndef KB_MIGRATIONS_H
#define KB_MIGRATIONS_H
extern const char *const kb_migrations[];
extern const int kb_migrations_count;
#endif
