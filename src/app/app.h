/*
 * app.h: khabar as an application of the HTTP server (src/http knows no
 * page): the route table (routes.c) and what "khabar serve" starts around
 * the server (app.c): the theme, photos, push delivery and the background
 * jobs.
 */
#ifndef KB_APP_H
#define KB_APP_H

#include "../acme/acme.h"
#include "../http/http.h"

/* Every URL khabar answers; the tests and "khabar routes" walk it. */
extern const kb_route app_routes[];
extern const size_t app_nroutes;

/*
 * Serves the site in o->db_path until SIGTERM/SIGINT: reads the site's
 * time zone and digits, loads the theme (o->theme_dir, NULL: built in),
 * keeps photos' files in o->media_dir (NULL: a "media" folder beside a
 * database file, data/media for a database on a server), a cache of those
 * in the database (src/media/media.h), starts push delivery and
 * the background jobs, and runs the server with the route table. With
 * acme (--https), the ACME client's folder and job too (acme.h). Fills
 * the fields of o that are the application's. Returns the exit status;
 * fails with a message on what cannot start.
 */
int app_serve(server_opts *o, const acme_opts *acme);

#endif
