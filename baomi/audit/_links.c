/* The hot loop of `baomi verify`, compiled: hash_i = H(hash_{i-1} || body_i) checked link by link.
 *
 * In Python a link costs about 0.7 us in hashlib and a row 0.6 us in the SQLite driver or
 * psycopg; here OpenSSL takes 0.3 us for the digest and SQLite 0.3 us for the row. The module
 * checks exactly what `scan.check_chunks` checks; `scan` falls back to that where it is not
 * built.
 *
 *   first_bad_link(alg, prev, rows) -> index of the first (hash, body) row that does not link to
 *       its predecessor (the first to `prev`), or -1.
 *   check_sqlite(alg, path, table, start, stop, prev) -> (checked, last hash, first bad position
 *       or None, "hash" | "missing" | ""), reading positions start..stop from the file itself.
 *   check_postgres(alg, params, table, start, stop, prev, fetch) -> the same, over a libpq
 *       connection made from the keyword `params`, one binary COPY for every `fetch` positions.
 *   runs_postgres(alg, params, table, first_page, stop_page, start, stop, pages, max_runs) ->
 *       the runs of consecutive positions start..stop found in heap pages first_page up to
 *       stop_page, read in the table's physical order, a binary COPY for every `pages` pages:
 *       [(first position, its hash, its body, last position, its hash), ...] with every link
 *       inside a run checked, or None when a link inside a run fails, a row is unreadable, a
 *       position is met twice in one COPY or the runs are more than `max_runs` (the caller then
 *       checks in position order).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <openssl/evp.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct {
    EVP_MD_CTX *ctx;
    EVP_MD *md;
    unsigned int size;
    unsigned char prev[EVP_MAX_MD_SIZE];
} Link;

static void link_close(Link *link) {
    EVP_MD_CTX_free(link->ctx);
    EVP_MD_free(link->md);
}

static int link_open(Link *link, const char *alg, const char *prev, Py_ssize_t prev_len) {
    /* fetched once: a digest looked up by name is fetched again on every init (OpenSSL 3) */
    link->md = EVP_MD_fetch(NULL, alg, NULL);
    link->ctx = link->md ? EVP_MD_CTX_new() : NULL;
    if (link->ctx == NULL) {
        EVP_MD_free(link->md);
        PyErr_Format(PyExc_ValueError, "audit hash algorithm %s is not available here", alg);
        return -1;
    }
    if (!EVP_DigestInit_ex2(link->ctx, link->md, NULL)) {
        link_close(link);
        PyErr_Format(PyExc_ValueError, "audit hash algorithm %s is not available here", alg);
        return -1;
    }
    link->size = (unsigned int)EVP_MD_get_size(link->md);
    if (prev != NULL && prev_len != (Py_ssize_t)link->size) {
        link_close(link);
        PyErr_SetString(PyExc_ValueError, "the predecessor hash has the wrong length");
        return -1;
    }
    memset(link->prev, 0, sizeof link->prev);
    if (prev != NULL)  /* NULL: the first row met is taken as it stands (see heap_take) */
        memcpy(link->prev, prev, link->size);
    return 0;
}

/* 1 when H(prev || body) is `digest` (then `digest` becomes prev), 0 when not, -1 on failure */
static int link_next(Link *link, const void *digest, size_t digest_len, const void *body,
                     size_t body_len) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int out_len = 0;
    if (!EVP_DigestInit_ex2(link->ctx, NULL, NULL) ||
        !EVP_DigestUpdate(link->ctx, link->prev, link->size) ||
        !EVP_DigestUpdate(link->ctx, body, body_len) ||
        !EVP_DigestFinal_ex(link->ctx, out, &out_len))
        return -1;
    if (digest_len != out_len || memcmp(out, digest, out_len) != 0)
        return 0;
    memcpy(link->prev, digest, out_len);
    return 1;
}

static PyObject *first_bad_link(PyObject *self, PyObject *args) {
    const char *alg;
    const char *prev;
    Py_ssize_t prev_len;
    PyObject *rows;
    if (!PyArg_ParseTuple(args, "sy#O:first_bad_link", &alg, &prev, &prev_len, &rows))
        return NULL;
    PyObject *seq = PySequence_Fast(rows, "rows must be a sequence of (hash, body)");
    if (seq == NULL)
        return NULL;
    Link link;
    if (link_open(&link, alg, prev, prev_len) < 0) {
        Py_DECREF(seq);
        return NULL;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq), bad = -1;
    PyObject **items = PySequence_Fast_ITEMS(seq);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *row = items[i];
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 2) {
            PyErr_SetString(PyExc_TypeError, "each row must be a (hash, body) tuple");
            bad = -2;
            break;
        }
        PyObject *digest = PyTuple_GET_ITEM(row, 0), *body = PyTuple_GET_ITEM(row, 1);
        int linked = 0;
        if (PyBytes_Check(digest) && PyBytes_Check(body)) {
            linked = link_next(&link, PyBytes_AS_STRING(digest), PyBytes_GET_SIZE(digest),
                               PyBytes_AS_STRING(body), PyBytes_GET_SIZE(body));
        } else {  /* memoryview from some drivers; None, text or a number links to nothing */
            Py_buffer d, b;
            if (PyObject_GetBuffer(digest, &d, PyBUF_SIMPLE) == 0) {
                if (PyObject_GetBuffer(body, &b, PyBUF_SIMPLE) == 0) {
                    linked = link_next(&link, d.buf, (size_t)d.len, b.buf, (size_t)b.len);
                    PyBuffer_Release(&b);
                }
                PyBuffer_Release(&d);
            }
            PyErr_Clear();
        }
        if (linked < 0) {
            PyErr_SetString(PyExc_RuntimeError, "OpenSSL failed to hash an event");
            bad = -2;
            break;
        }
        if (!linked) {
            bad = i;
            break;
        }
    }
    link_close(&link);
    Py_DECREF(seq);
    return bad == -2 ? NULL : PyLong_FromSsize_t(bad);
}

/* Where a range check stopped: `expected` is the next position to check; `kind` says why it
 * stopped early ("hash", "missing") or is "" when every position up to stop linked. */
typedef struct {
    long long expected;
    const char *kind;
    char error[512];
} Scan;

static PyObject *scan_result(Link *link, Scan *scan, long long start) {
    if (scan->error[0]) {
        link_close(link);
        PyErr_Format(PyExc_RuntimeError, "cannot read the audit chain: %s", scan->error);
        return NULL;
    }
    PyObject *last = PyBytes_FromStringAndSize((const char *)link->prev, link->size);
    link_close(link);
    if (last == NULL)
        return NULL;
    if (scan->kind[0] == '\0')
        return Py_BuildValue("LNOs", scan->expected - start, last, Py_None, scan->kind);
    return Py_BuildValue("LNLs", scan->expected - start, last, scan->expected, scan->kind);
}

static long long be_integer(const unsigned char *p, int len) {
    long long value = (len > 0 && (p[0] & 0x80)) ? -1 : 0;
    for (int i = 0; i < len; i++)
        value = (long long)(((unsigned long long)value << 8) | p[i]);
    return value;
}

static void sqlite_scan(sqlite3 *db, const char *table, long long stop, Link *link, Scan *scan) {
    char sql[256];
    /* CAST: whatever a forger stored there (text, a blob, a number) is hashed as its bytes */
    snprintf(sql, sizeof sql,
             "SELECT seq, hash, CAST(body AS BLOB) FROM \"%s\" WHERE seq BETWEEN ?1 AND ?2"
             " ORDER BY seq",
             table);
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, scan->expected);
        sqlite3_bind_int64(stmt, 2, stop);
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            if (sqlite3_column_type(stmt, 0) != SQLITE_INTEGER ||
                sqlite3_column_int64(stmt, 0) != scan->expected) {
                scan->kind = "missing";  /* rows come in position order: `expected` was skipped */
                break;
            }
            int body_null = sqlite3_column_type(stmt, 2) == SQLITE_NULL;
            const void *digest = sqlite3_column_blob(stmt, 1);
            size_t digest_len = (size_t)sqlite3_column_bytes(stmt, 1);
            const void *body = sqlite3_column_blob(stmt, 2);
            size_t body_len = (size_t)sqlite3_column_bytes(stmt, 2);
            int linked = body_null ? 0 : link_next(link, digest, digest_len, body, body_len);
            if (linked < 0) {
                snprintf(scan->error, sizeof scan->error, "OpenSSL failed to hash an event");
                break;
            }
            if (!linked) {
                scan->kind = "hash";
                break;
            }
            scan->expected++;
        }
    }
    if (!scan->error[0] && !scan->kind[0]) {
        if (rc != SQLITE_DONE)
            snprintf(scan->error, sizeof scan->error, "%s", sqlite3_errmsg(db));
        else if (scan->expected <= stop)
            scan->kind = "missing";
    }
    sqlite3_finalize(stmt);
}

static PyObject *check_sqlite(PyObject *self, PyObject *args) {
    const char *alg, *path, *table, *prev;
    long long start, stop;
    Py_ssize_t prev_len;
    if (!PyArg_ParseTuple(args, "sssLLy#:check_sqlite", &alg, &path, &table, &start, &stop,
                          &prev, &prev_len))
        return NULL;
    Link link;
    if (link_open(&link, alg, prev, prev_len) < 0)
        return NULL;
    Scan scan = {start, "", ""};
    Py_BEGIN_ALLOW_THREADS
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        snprintf(scan.error, sizeof scan.error, "%s", db ? sqlite3_errmsg(db) : "out of memory");
    else if (sqlite3_busy_timeout(db, 5000) == SQLITE_OK)  /* as Python's sqlite3 waits */
        sqlite_scan(db, table, stop, &link, &scan);
    sqlite3_close(db);
    Py_END_ALLOW_THREADS
    return scan_result(&link, &scan, start);
}

/* Binary COPY: a header, then per row a field count and per field its length (-1: NULL) and
 * bytes, then a count of -1. COPY rather than a query's rows: libpq keeps each row as it
 * arrives, where building a query's result cost the worker twice the time. */
#define COPY_SIGNATURE "PGCOPY\n\377\r\n"  /* 11 bytes with its closing NUL */
#define COPY_HEADER 19 /* signature, flags, header extension length (0) */
#define ROW_FIELDS 3

typedef struct {
    const unsigned char *data;
    int32_t len; /* -1: NULL */
} Field;

static int32_t be_int32(const unsigned char *p) {
    return (int32_t)(((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3]);
}

/* 1 for a row, 0 for the trailer, -1 for anything else */
static int copy_row(const unsigned char *p, size_t n, Field *fields) {
    if (n < 2)
        return -1;
    int count = (int16_t)((p[0] << 8) | p[1]);
    if (count == -1)
        return 0;
    if (count != ROW_FIELDS)
        return -1;
    size_t at = 2;
    for (int i = 0; i < ROW_FIELDS; i++) {
        if (n - at < 4)
            return -1;
        fields[i].len = be_int32(p + at);
        fields[i].data = p + at + 4;
        at += 4;
        if (fields[i].len < -1 || (fields[i].len > 0 && n - at < (size_t)fields[i].len))
            return -1;
        at += fields[i].len > 0 ? (size_t)fields[i].len : 0;
    }
    return at == n ? 1 : -1;
}

/* Runs `sql`, a binary COPY to the client, and hands each row to `take` until it returns 0; the
 * rest is read and ignored, so that the connection ends cleanly. 0 when a row was unreadable
 * (the scan stopped there), else 1; a failure of the server or the connection is in `error`. */
typedef int (*TakeRow)(void *reader, const Field *fields);

static int copy_out(PGconn *conn, const char *sql, TakeRow take, void *reader, Scan *scan) {
    PGresult *res = PQexec(conn, sql);
    int status = PQresultStatus(res);
    PQclear(res);
    if (status != PGRES_COPY_OUT) {
        snprintf(scan->error, sizeof scan->error, "%s", PQerrorMessage(conn));
        return 1;
    }
    int header = 1, going = 1, readable = 1, n;
    char *buf;
    while ((n = PQgetCopyData(conn, &buf, 0)) > 0) {
        const unsigned char *p = (const unsigned char *)buf;
        size_t len = (size_t)n;
        int row = 0;
        if (header) {
            if (len < COPY_HEADER || memcmp(p, COPY_SIGNATURE, sizeof COPY_SIGNATURE) != 0) {
                row = -1;
                len = 0;
            } else {
                p += COPY_HEADER;
                len -= COPY_HEADER;
            }
            header = 0;
        }
        Field fields[ROW_FIELDS];
        if (going && row == 0 && len > 0)
            row = copy_row(p, len, fields);
        if (row < 0)
            readable = going = 0;
        else if (row > 0)
            going = take(reader, fields);
        PQfreemem(buf);
    }
    if (n == -2 && !scan->error[0])
        snprintf(scan->error, sizeof scan->error, "%s", PQerrorMessage(conn));
    while ((res = PQgetResult(conn)) != NULL) {
        if (PQresultStatus(res) != PGRES_COMMAND_OK && !scan->error[0])
            snprintf(scan->error, sizeof scan->error, "%s", PQresultErrorMessage(res));
        PQclear(res);
    }
    return readable;
}

typedef struct {
    Link *link;
    Scan *scan;
} InOrder;

/* One row against the chain: 1 to go on, 0 when the scan stopped (kind or error set) */
static int postgres_row(void *reader, const Field *fields) {
    Link *link = ((InOrder *)reader)->link;
    Scan *scan = ((InOrder *)reader)->scan;
    if (fields[0].len != 8 || be_integer(fields[0].data, 8) != scan->expected) {
        scan->kind = "missing";  /* rows come in position order: `expected` was skipped */
        return 0;
    }
    int linked = fields[1].len < 0 || fields[2].len < 0
                     ? 0
                     : link_next(link, fields[1].data, (size_t)fields[1].len, fields[2].data,
                                 (size_t)fields[2].len);
    if (linked < 0) {
        snprintf(scan->error, sizeof scan->error, "OpenSSL failed to hash an event");
        return 0;
    }
    if (!linked) {
        scan->kind = "hash";
        return 0;
    }
    scan->expected++;
    return 1;
}

/* Positions lo..hi in one COPY; the rest of it is read (and ignored) once the scan stopped,
 * so the connection ends cleanly */
static void postgres_chunk(PGconn *conn, const char *table, long long lo, long long hi,
                           Link *link, Scan *scan) {
    char sql[320];
    /* text in binary is its bytes in the client encoding, UTF-8: what was hashed */
    snprintf(sql, sizeof sql,
             "COPY (SELECT seq::int8, hash, body FROM \"%s\" WHERE seq BETWEEN %lld AND %lld"
             " ORDER BY seq) TO STDOUT (FORMAT binary)",
             table, lo, hi);
    InOrder reader = {link, scan};
    if (!copy_out(conn, sql, postgres_row, &reader, scan) && !scan->error[0])
        snprintf(scan->error, sizeof scan->error, "an unreadable row after position %lld",
                 scan->expected - 1);
    /* positions up to hi that never came are missing: stop here rather than ask for the
     * next chunk (a forged head far ahead would otherwise be walked chunk by empty chunk) */
    if (!scan->error[0] && !scan->kind[0] && scan->expected <= hi)
        scan->kind = "missing";
}

static void postgres_scan(PGconn *conn, const char *table, long long stop, long long fetch,
                          Link *link, Scan *scan) {
    /* a range read by primary key never wants the bitmap scan and on-disk sort the planner
     * picks right after a bulk load */
    PGresult *res = PQexec(conn, "SET enable_bitmapscan = off");
    if (PQresultStatus(res) != PGRES_COMMAND_OK)
        snprintf(scan->error, sizeof scan->error, "%s", PQerrorMessage(conn));
    PQclear(res);
    /* a COPY per `fetch` positions: no snapshot held for the whole range */
    while (scan->expected <= stop && !scan->error[0] && !scan->kind[0]) {
        long long lo = scan->expected;
        postgres_chunk(conn, table, lo, stop - lo < fetch ? stop : lo + (fetch - 1), link, scan);
    }
}

/* libpq's keywords and values from a dictionary of text, client_encoding UTF8 added. The pairs
 * are held by a list of our own while the connection is made without the GIL: their text stays
 * valid whatever happens to the dictionary meanwhile. */
typedef struct {
    PyObject *items;
    const char **keywords, **values;
} Params;

static void params_free(Params *p) {
    PyMem_Free(p->keywords);
    PyMem_Free(p->values);
    Py_XDECREF(p->items);
}

static int params_open(Params *p, PyObject *params) {
    p->keywords = p->values = NULL;
    p->items = PyDict_Items(params);
    if (p->items == NULL)
        return -1;
    Py_ssize_t count = PyList_GET_SIZE(p->items), i;
    p->keywords = PyMem_Calloc((size_t)count + 2, sizeof(char *));
    p->values = PyMem_Calloc((size_t)count + 2, sizeof(char *));
    if (p->keywords == NULL || p->values == NULL) {
        PyErr_NoMemory();
        params_free(p);
        return -1;
    }
    for (i = 0; i < count; i++) {
        PyObject *pair = PyList_GET_ITEM(p->items, i);
        PyObject *key = PyTuple_GET_ITEM(pair, 0), *value = PyTuple_GET_ITEM(pair, 1);
        p->keywords[i] = PyUnicode_Check(key) ? PyUnicode_AsUTF8(key) : NULL;
        p->values[i] = PyUnicode_Check(value) ? PyUnicode_AsUTF8(value) : NULL;
        if (p->keywords[i] == NULL || p->values[i] == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "connection parameters must be text");
            params_free(p);
            return -1;
        }
    }
    p->keywords[i] = "client_encoding";
    p->values[i] = "UTF8";
    return 0;
}

static PGconn *postgres_connect(const Params *p, Scan *scan) {
    PGconn *conn = PQconnectdbParams(p->keywords, p->values, 0);
    if (PQstatus(conn) != CONNECTION_OK)
        snprintf(scan->error, sizeof scan->error, "%s", PQerrorMessage(conn));
    return conn;
}

static PyObject *check_postgres(PyObject *self, PyObject *args) {
    const char *alg, *table, *prev;
    PyObject *params;
    long long start, stop, fetch;
    Py_ssize_t prev_len;
    if (!PyArg_ParseTuple(args, "sO!sLLy#L:check_postgres", &alg, &PyDict_Type, &params, &table,
                          &start, &stop, &prev, &prev_len, &fetch))
        return NULL;
    if (fetch < 1) {
        PyErr_SetString(PyExc_ValueError, "fetch must be positive");
        return NULL;
    }
    Params p;
    if (params_open(&p, params) < 0)
        return NULL;
    Link link;
    if (link_open(&link, alg, prev, prev_len) < 0) {
        params_free(&p);
        return NULL;
    }
    Scan scan = {start, "", ""};
    Py_BEGIN_ALLOW_THREADS
    PGconn *conn = postgres_connect(&p, &scan);
    if (!scan.error[0])
        postgres_scan(conn, table, stop, fetch, &link, &scan);
    PQfinish(conn);
    Py_END_ALLOW_THREADS
    params_free(&p);
    return scan_result(&link, &scan, start);
}

/* Reading the heap in its physical order (a TID range scan) costs the server about a tenth less
 * than reading it by primary key, but rows are in position order only mostly: concurrent
 * writers fill pages of their own, so neighbouring positions sit a few pages apart. Each COPY's
 * rows are put in position order here, and what is consecutive forms a run whose inner links
 * are checked as they come; the caller joins the runs of every worker and checks the link where
 * two meet. */
typedef struct {
    long long seq;
    const unsigned char *hash, *body;
    size_t hash_len, body_len;
} Event;

typedef struct {
    long long seq;
    size_t at, hash_len, body_len; /* hash then body at `at` in the heap's `kept` bytes */
} Kept;

typedef struct {
    long long first, last;
    unsigned char *first_event; /* the first event's hash then body, copied */
    size_t hash_len, body_len;
    unsigned char last_hash[EVP_MAX_MD_SIZE];
} Run;

typedef struct {
    Run *runs;
    size_t n, cap, max_runs;
    size_t open;   /* the run whose last hash `link->prev` holds */
    size_t stream; /* the run rows extend as they arrive */
    long long arrived; /* the position of the last row that arrived in start..stop */
    /* rows out of order, copied into one buffer reused from COPY to COPY: keeping libpq's own
     * row buffers instead, and freeing them all at once, cost page faults on every COPY */
    Kept *rows;
    size_t row_count, row_cap;
    unsigned char *kept;
    size_t kept_len, kept_cap;
    size_t *slots; /* kept rows by position, when they lie dense enough: a sort without compares */
    size_t slot_cap;
    long long start, stop;
    int unsure; /* a link inside a run failed, a row was unreadable or the runs are too many */
} Heap;

static int by_position(const void *a, const void *b) {
    long long x = ((const Kept *)a)->seq, y = ((const Kept *)b)->seq;
    return (x > y) - (x < y);
}

/* At least `more` free places of `size` bytes after `len` in `*buf`; 0 when out of memory */
static int reserve(void **buf, size_t *cap, size_t len, size_t more, size_t size) {
    if (*buf != NULL && *cap - len >= more)
        return 1;
    size_t want = *cap ? *cap : 4096;
    while (want - len < more) {
        if (want > SIZE_MAX / 2)
            return 0;
        want *= 2;
    }
    if (want > SIZE_MAX / size)
        return 0;
    void *grown = realloc(*buf, want * size);
    if (grown == NULL)
        return 0;
    *buf = grown;
    *cap = want;
    return 1;
}

/* Makes run `r` the open one: `link->prev` keeps the open run's last hash, the run left keeps
 * its own */
static void heap_open(Heap *heap, Link *link, size_t r) {
    if (r == heap->open)
        return;
    memcpy(heap->runs[heap->open].last_hash, link->prev, link->size);
    memcpy(link->prev, heap->runs[r].last_hash, link->size);
    heap->open = r;
}

/* One event in position order: after run `r` when it follows that run's last position (its
 * link checked), else as a run of its own. 0 when the scan must stop. */
static int heap_take(Heap *heap, Link *link, size_t r, const Event *event, Scan *scan) {
    /* `seq - 1`, not `last + 1`: a position forged at the top of the range cannot overflow */
    if (heap->n && event->seq - 1 == heap->runs[r].last) {
        heap_open(heap, link, r);
        int linked = link_next(link, event->hash, event->hash_len, event->body, event->body_len);
        if (linked < 0)
            snprintf(scan->error, sizeof scan->error, "OpenSSL failed to hash an event");
        else if (linked)
            heap->runs[r].last = event->seq;
        else
            heap->unsure = 1;
        return linked > 0;
    }
    if (event->hash_len != link->size || heap->n == heap->max_runs) {
        heap->unsure = 1;
        return 0;
    }
    unsigned char *first_event = malloc(event->hash_len + event->body_len + 1);
    if (first_event == NULL ||
        !reserve((void **)&heap->runs, &heap->cap, heap->n, 1, sizeof(Run))) {
        free(first_event);
        snprintf(scan->error, sizeof scan->error, "out of memory");
        return 0;
    }
    if (heap->n)  /* the open run keeps its last hash */
        memcpy(heap->runs[heap->open].last_hash, link->prev, link->size);
    heap->open = heap->n;
    Run *run = &heap->runs[heap->n++];
    run->first = run->last = event->seq;
    run->first_event = first_event;
    run->hash_len = event->hash_len;
    run->body_len = event->body_len;
    memcpy(first_event, event->hash, event->hash_len);
    memcpy(first_event + event->hash_len, event->body, event->body_len);
    memcpy(link->prev, event->hash, link->size);
    return 1;
}

/* A row as it arrives: taken at once when it extends the run arriving rows extend (the table's
 * order is mostly position order), otherwise kept, to be put in order with the COPY's other kept
 * rows; skipped outside positions start..stop. A row with a NULL column, even one appended since,
 * leaves the check to the read in position order. 0 when the scan must stop. */
typedef struct {
    Heap *heap;
    Link *link;
    Scan *scan;
} InHeapOrder;

static int heap_row(void *reader, const Field *fields) {
    Heap *heap = ((InHeapOrder *)reader)->heap;
    Link *link = ((InHeapOrder *)reader)->link;
    Scan *scan = ((InHeapOrder *)reader)->scan;
    if (fields[0].len != 8 || fields[1].len < 0 || fields[2].len < 0) {
        heap->unsure = 1;
        return 0;
    }
    Event event = {be_integer(fields[0].data, 8), fields[1].data, fields[2].data,
                   (size_t)fields[1].len, (size_t)fields[2].len};
    if (event.seq < heap->start || event.seq > heap->stop)  /* appended since the head was read */
        return 1;
    heap->arrived = event.seq;
    if (heap->n == 0 || event.seq - 1 == heap->runs[heap->stream].last) {
        int going = heap_take(heap, link, heap->stream, &event, scan);
        heap->stream = heap->open;
        return going;
    }
    size_t size = event.hash_len + event.body_len;
    if (!reserve((void **)&heap->rows, &heap->row_cap, heap->row_count, 1, sizeof(Kept)) ||
        !reserve((void **)&heap->kept, &heap->kept_cap, heap->kept_len, size, 1)) {
        snprintf(scan->error, sizeof scan->error, "out of memory");
        return 0;
    }
    heap->rows[heap->row_count++] = (Kept){event.seq, heap->kept_len, event.hash_len,
                                           event.body_len};
    memcpy(heap->kept + heap->kept_len, event.hash, event.hash_len);
    memcpy(heap->kept + heap->kept_len + event.hash_len, event.body, event.body_len);
    heap->kept_len += size;
    return 1;
}

static int take_kept(Heap *heap, Link *link, const Kept *kept, Scan *scan) {
    const unsigned char *hash = heap->kept + kept->at;
    Event event = {kept->seq, hash, hash + kept->hash_len, kept->hash_len, kept->body_len};
    return heap_take(heap, link, heap->open, &event, scan);
}

/* The rows a COPY kept, in position order. Where their positions lie dense (rows of concurrent
 * writers, a few pages apart) each is placed in a slot by its position, without the compares of
 * a sort (which took a tenth of a worker's time); otherwise they are sorted. Two rows at one
 * position leave the decision to the caller's check in position order. */
static void heap_take_kept(Heap *heap, Link *link, Scan *scan) {
    size_t count = heap->row_count, i;
    if (count == 0)
        return;
    long long lo = heap->rows[0].seq, hi = lo;
    int sorted = 1;
    for (i = 1; i < count; i++) {
        long long seq = heap->rows[i].seq;
        sorted = sorted && heap->rows[i - 1].seq < seq;
        lo = seq < lo ? seq : lo;
        hi = seq > hi ? seq : hi;
    }
    size_t span = (size_t)(hi - lo) + 1;
    if (sorted || span > 4 * count ||
        !reserve((void **)&heap->slots, &heap->slot_cap, 0, span, sizeof(size_t))) {
        if (!sorted)
            qsort(heap->rows, count, sizeof(Kept), by_position);
        for (i = 0; i < count && take_kept(heap, link, &heap->rows[i], scan); i++)
            ;
        return;
    }
    memset(heap->slots, 0xff, span * sizeof(size_t));
    for (i = 0; i < count; i++) {
        size_t *slot = &heap->slots[heap->rows[i].seq - lo];
        if (*slot != SIZE_MAX) {
            heap->unsure = 1;
            return;
        }
        *slot = i;
    }
    for (i = 0; i < span; i++)
        if (heap->slots[i] != SIZE_MAX && !take_kept(heap, link, &heap->rows[heap->slots[i]], scan))
            return;
}

/* Rows arriving in the next COPY go on from where this one's last row is: the run that holds it
 * (a row far out of order, kept and taken last, would otherwise have every row after it kept) */
static void heap_resume(Heap *heap) {
    for (size_t r = heap->n; r-- > 0;)
        if (heap->runs[r].first <= heap->arrived && heap->arrived <= heap->runs[r].last) {
            heap->stream = r;
            return;
        }
}

/* Pages lo..hi-1 in one COPY: rows taken as they come, those out of order once it ends */
static void heap_chunk(PGconn *conn, const char *table, long long lo, long long hi, Link *link,
                       Heap *heap, Scan *scan) {
    char sql[320];
    snprintf(sql, sizeof sql,
             "COPY (SELECT seq::int8, hash, body FROM \"%s\" WHERE ctid >= '(%lld,0)'"
             " AND ctid < '(%lld,0)') TO STDOUT (FORMAT binary)",
             table, lo, hi);
    InHeapOrder reader = {heap, link, scan};
    heap->row_count = heap->kept_len = 0;
    if (!copy_out(conn, sql, heap_row, &reader, scan))
        heap->unsure = 1;
    if (!scan->error[0] && !heap->unsure && heap->row_count) {
        heap_take_kept(heap, link, scan);
        heap_resume(heap);
    }
    heap->row_count = heap->kept_len = 0;
}

static void heap_free(Heap *heap) {
    for (size_t i = 0; i < heap->n; i++)
        free(heap->runs[i].first_event);
    free(heap->runs);
    free(heap->rows);
    free(heap->kept);
    free(heap->slots);
}

static PyObject *heap_result(Heap *heap, Link *link, Scan *scan) {
    if (heap->n && !heap->unsure)
        memcpy(heap->runs[heap->open].last_hash, link->prev, link->size);
    PyObject *result = NULL;
    if (scan->error[0])
        PyErr_Format(PyExc_RuntimeError, "cannot read the audit chain: %s", scan->error);
    else if (heap->unsure)
        result = Py_NewRef(Py_None);
    else if ((result = PyList_New((Py_ssize_t)heap->n)) != NULL) {
        for (size_t i = 0; i < heap->n; i++) {
            Run *run = &heap->runs[i];
            PyObject *item = Py_BuildValue(
                "Ly#y#Ly#", run->first, run->first_event, (Py_ssize_t)run->hash_len,
                run->first_event + run->hash_len, (Py_ssize_t)run->body_len, run->last,
                run->last_hash, (Py_ssize_t)link->size);
            if (item == NULL) {
                Py_CLEAR(result);
                break;
            }
            PyList_SET_ITEM(result, (Py_ssize_t)i, item);
        }
    }
    heap_free(heap);
    link_close(link);
    return result;
}

static PyObject *runs_postgres(PyObject *self, PyObject *args) {
    const char *alg, *table;
    PyObject *params;
    long long first_page, stop_page, start, stop, pages, max_runs;
    if (!PyArg_ParseTuple(args, "sO!sLLLLLL:runs_postgres", &alg, &PyDict_Type, &params, &table,
                          &first_page, &stop_page, &start, &stop, &pages, &max_runs))
        return NULL;
    if (pages < 1 || max_runs < 1 || first_page < 0 || start < 1) {
        PyErr_SetString(PyExc_ValueError,
                        "pages, max_runs and start must be positive, first_page not negative");
        return NULL;
    }
    Params p;
    if (params_open(&p, params) < 0)
        return NULL;
    Link link;
    if (link_open(&link, alg, NULL, 0) < 0) {
        params_free(&p);
        return NULL;
    }
    Heap heap = {.max_runs = (size_t)max_runs, .start = start, .stop = stop};
    Scan scan = {start, "", ""};
    Py_BEGIN_ALLOW_THREADS
    PGconn *conn = postgres_connect(&p, &scan);
    /* a COPY per `pages` pages: no snapshot held for the whole range */
    for (long long lo = first_page; lo < stop_page && !scan.error[0] && !heap.unsure; lo += pages)
        heap_chunk(conn, table, lo, stop_page - lo < pages ? stop_page : lo + pages, &link, &heap,
                   &scan);
    PQfinish(conn);
    Py_END_ALLOW_THREADS
    params_free(&p);
    return heap_result(&heap, &link, &scan);
}

static PyMethodDef methods[] = {
    {"first_bad_link", first_bad_link, METH_VARARGS,
     "first_bad_link(alg, prev, rows) -> index of the first (hash, body) that does not link, or -1"},
    {"check_sqlite", check_sqlite, METH_VARARGS,
     "check_sqlite(alg, path, table, start, stop, prev) -> (checked, last hash, first bad or None, kind)"},
    {"check_postgres", check_postgres, METH_VARARGS,
     "check_postgres(alg, params, table, start, stop, prev, fetch) -> as check_sqlite"},
    {"runs_postgres", runs_postgres, METH_VARARGS,
     "runs_postgres(alg, params, table, first_page, stop_page, start, stop, pages, max_runs)"
     " -> [(first, hash, body, last, hash), ...] or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_links", "The audit chain's link check, compiled.", -1, methods,
};

PyMODINIT_FUNC PyInit__links(void) { return PyModule_Create(&module); }
