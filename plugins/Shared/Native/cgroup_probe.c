/*
 * The NativeAOT runtime's start-up cgroup probe, without /proc/self/mountinfo.
 *
 * Why: at every process start the runtime asks which cgroup limits apply (the GC sizes its heap limit from
 * the memory limit, Environment.ProcessorCount honours a CPU quota). Its own probe finds the cgroup mounts by
 * parsing all of /proc/self/mountinfo, twice (once for memory, once for CPU). On a CNI node every container
 * network namespace is a bind mount (/run/netns/...), and kubelet volumes add more, so that file grows with
 * the node: with 2000 namespaces the two passes cost ~4 ms per .NET process, several times a whole plugin
 * call. A plugin is started for every container ADD and DEL, so that cost grew with the node.
 *
 * What: this object is linked ahead of the runtime's static library (cmd/Directory.Build.props), so the
 * linker takes these six entry points instead of the runtime's cgroup.cpp.o and cgroupcpu.cpp.o members (a
 * changed runtime that needs another symbol from those members fails the link with a duplicate symbol: loud,
 * never silent). It answers the same questions from /proc/self/cgroup (one line per hierarchy) and the
 * conventional mount points: cgroup v2 at /sys/fs/cgroup, v1 controllers at /sys/fs/cgroup/<controller> (or
 * the co-mounted directory /proc/self/cgroup names, e.g. cpu,cpuacct). When the mount's root is not the
 * hierarchy's root (a container without a cgroup namespace), the leading path components that do not exist
 * under the mount are dropped. A hierarchy mounted anywhere else is treated like a host without cgroups: no
 * limit, which for a plugin that lives milliseconds in a few MB only means the GC keeps its default budget.
 *
 * Contract with the runtime (libRuntime.*.a, .NET 10): InitializeCGroup/CleanupCGroup/
 * GetRestrictedPhysicalMemoryLimit/GetPhysicalMemoryUsed for the GC, InitializeCpuCGroup/GetCpuLimit for the
 * PAL. Limits: memory = the smallest limit on the path from the process's cgroup to the mount (v1 with
 * use_hierarchy: the kernel's hierarchical_memory_limit), capped by RLIMIT_AS and physical memory, 0 = none;
 * memory used = cgroup usage minus inactive file pages, else resident set; CPUs = ceil(quota / period),
 * at least 1, the smallest along the path.
 *
 * Tested by tests/Cni.Linux.Tests/CgroupProbeTests.cs through a shared build with CNI_CGROUP_PROBE_TEST,
 * which adds one entry point that re-runs the probe against a fake /proc/self/cgroup and cgroup tree.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define CG_PATH_MAX 4096
#define CGROUP2_SUPER_MAGIC 0x63677270
/* Memory limits above this mean "no limit" (v1 reports 2^63-1 rounded down to the page size). */
#define CG_UNLIMITED_MEMORY 0x7FFFFFFF00000000ULL

/* The runtime's C++ entry points, by their mangled names. */
void cg_initialize_memory(void) __asm__("_Z16InitializeCGroupv");
void cg_cleanup(void) __asm__("_Z13CleanupCGroupv");
size_t cg_restricted_memory_limit(void) __asm__("_Z32GetRestrictedPhysicalMemoryLimitv");
bool cg_memory_used(size_t *val) __asm__("_Z21GetPhysicalMemoryUsedPm");
void cg_initialize_cpu(void) __asm__("_Z19InitializeCpuCGroupv");
bool cg_cpu_limit(uint32_t *val) __asm__("_Z11GetCpuLimitPj");

struct cg_hierarchy
{
    char path[CG_PATH_MAX]; /* the process's cgroup directory, "" when not found */
    size_t mount_len;       /* path[0..mount_len) is the hierarchy's mount point */
};

static struct
{
    bool probed;
    int version; /* 0 none, 1, 2 */
    struct cg_hierarchy memory;
    struct cg_hierarchy cpu;
} g_cg;

static const char *g_proc_cgroup = "/proc/self/cgroup";
static const char *g_sysfs_cgroup = "/sys/fs/cgroup";

/* Reads up to size-1 bytes of a small file; NUL-terminated. Returns the length, or -1. */
static ssize_t cg_read_file(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len < size - 1)
    {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

static bool cg_is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Does the comma-separated list [list, list+len) contain name? */
static bool cg_list_has(const char *list, size_t len, const char *name)
{
    size_t name_len = strlen(name);
    const char *end = list + len;
    while (list < end)
    {
        const char *comma = memchr(list, ',', (size_t)(end - list));
        size_t item = comma ? (size_t)(comma - list) : (size_t)(end - list);
        if (item == name_len && memcmp(list, name, name_len) == 0)
            return true;
        list += item + 1;
    }
    return false;
}

/*
 * Resolves one hierarchy: mount is where it is mounted, rel the process's path in it as /proc/self/cgroup
 * says ("/" or "/a/b"). Tries mount+rel, then drops leading components of rel until the directory exists.
 */
static void cg_resolve(struct cg_hierarchy *h, const char *mount, const char *rel, size_t rel_len)
{
    size_t mount_len = strlen(mount);
    if (mount_len >= CG_PATH_MAX)
        return;
    for (;;)
    {
        while (rel_len > 0 && rel[0] == '/')
        {
            rel++;
            rel_len--;
        }
        if (mount_len + 1 + rel_len < CG_PATH_MAX)
        {
            memcpy(h->path, mount, mount_len);
            size_t len = mount_len;
            if (rel_len > 0)
            {
                h->path[len++] = '/';
                memcpy(h->path + len, rel, rel_len);
                len += rel_len;
            }
            h->path[len] = '\0';
            if (cg_is_dir(h->path))
            {
                h->mount_len = mount_len;
                return;
            }
        }
        if (rel_len == 0)
            break;
        const char *slash = memchr(rel, '/', rel_len);
        if (slash == NULL)
        {
            rel_len = 0;
        }
        else
        {
            rel_len -= (size_t)(slash - rel);
            rel = slash;
        }
    }
    h->path[0] = '\0';
    h->mount_len = 0;
}

/* Finds controller's line in /proc/self/cgroup (v2: the "0::" line) and resolves its directory. */
static void cg_find(struct cg_hierarchy *h, const char *lines, const char *controller)
{
    h->path[0] = '\0';
    for (const char *line = lines; *line != '\0';)
    {
        const char *eol = strchr(line, '\n');
        size_t line_len = eol ? (size_t)(eol - line) : strlen(line);
        const char *c1 = memchr(line, ':', line_len);
        const char *c2 = c1 ? memchr(c1 + 1, ':', line_len - (size_t)(c1 + 1 - line)) : NULL;
        if (c2 != NULL)
        {
            const char *list = c1 + 1;
            size_t list_len = (size_t)(c2 - list);
            const char *rel = c2 + 1;
            size_t rel_len = line_len - (size_t)(rel - line);
            if (g_cg.version == 2 && list_len == 0 && c1 - line == 1 && line[0] == '0')
            {
                cg_resolve(h, g_sysfs_cgroup, rel, rel_len);
                return;
            }
            if (g_cg.version == 1 && cg_list_has(list, list_len, controller))
            {
                char mount[CG_PATH_MAX];
                size_t base = strlen(g_sysfs_cgroup);
                if (base + 1 + list_len >= sizeof mount)
                    return;
                /* /sys/fs/cgroup/<controller> (systemd links co-mounted controllers), else the list's dir. */
                memcpy(mount, g_sysfs_cgroup, base);
                mount[base] = '/';
                strcpy(mount + base + 1, controller);
                if (!cg_is_dir(mount))
                {
                    memcpy(mount + base + 1, list, list_len);
                    mount[base + 1 + list_len] = '\0';
                }
                cg_resolve(h, mount, rel, rel_len);
                return;
            }
        }
        if (eol == NULL)
            break;
        line = eol + 1;
    }
}

/* Resolves the memory and cpu directories for g_cg.version from /proc/self/cgroup; false if it is unreadable. */
static bool cg_find_all(void)
{
    char lines[16384];
    g_cg.memory.path[0] = g_cg.cpu.path[0] = '\0';
    if (cg_read_file(g_proc_cgroup, lines, sizeof lines) <= 0)
        return false;
    cg_find(&g_cg.memory, lines, "memory");
    cg_find(&g_cg.cpu, lines, "cpu");
    return true;
}

static void cg_probe(void)
{
    if (g_cg.probed)
        return;
    g_cg.probed = true;
    g_cg.version = 0;
    g_cg.memory.path[0] = g_cg.cpu.path[0] = '\0';

    struct statfs fs;
    if (statfs(g_sysfs_cgroup, &fs) != 0)
        return;
    /* cgroup2 at /sys/fs/cgroup is the unified layout; anything else there (tmpfs) holds v1 controllers. */
    g_cg.version = fs.f_type == CGROUP2_SUPER_MAGIC ? 2 : 1;
    if (!cg_find_all())
        g_cg.version = 0;
}

/* Parses the first number in a file; "max" (v2's "no limit") and anything unparsable are false. */
static bool cg_read_number(const char *path, long long *val)
{
    char buf[128];
    if (cg_read_file(path, buf, sizeof buf) <= 0)
        return false;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    if (end == buf || errno != 0)
        return false;
    *val = v;
    return true;
}

static bool cg_join(char *out, const char *dir, size_t dir_len, const char *file)
{
    size_t file_len = strlen(file);
    if (dir_len + 1 + file_len >= CG_PATH_MAX)
        return false;
    memcpy(out, dir, dir_len);
    out[dir_len] = '/';
    memcpy(out + dir_len + 1, file, file_len + 1);
    return true;
}

/* The value of "field " in the hierarchy directory's memory.stat. */
static bool cg_stat_field(const struct cg_hierarchy *h, const char *field, long long *val)
{
    char path[CG_PATH_MAX];
    static char stat[65536];
    if (!cg_join(path, h->path, strlen(h->path), "memory.stat") || cg_read_file(path, stat, sizeof stat) <= 0)
        return false;
    size_t field_len = strlen(field);
    for (const char *line = stat; *line != '\0';)
    {
        if (strncmp(line, field, field_len) == 0 && line[field_len] == ' ')
        {
            char *end;
            errno = 0;
            long long v = strtoll(line + field_len + 1, &end, 10);
            if (end == line + field_len + 1 || errno != 0)
                return false;
            *val = v;
            return true;
        }
        const char *eol = strchr(line, '\n');
        if (eol == NULL)
            break;
        line = eol + 1;
    }
    return false;
}

/*
 * The smallest value along the path from the process's cgroup up to the mount point, both included: a
 * container without a cgroup namespace sees its own cgroup (limits and all) at the mount point, while the
 * true root keeps no limit files. read(dir, len, &value) reads one level.
 */
static bool cg_min_up(const struct cg_hierarchy *h, bool (*read)(const char *, size_t, long long *), long long *val)
{
    size_t len = strlen(h->path);
    bool found = false;
    long long min = 0;
    for (;;)
    {
        long long v;
        if (read(h->path, len, &v) && (!found || v < min))
        {
            min = v;
            found = true;
        }
        if (len <= h->mount_len)
            break;
        while (len > h->mount_len && h->path[len - 1] != '/')
            len--;
        if (len > h->mount_len)
            len--; /* the '/' */
    }
    if (found)
        *val = min;
    return found;
}

static bool cg_read_memory_max(const char *dir, size_t len, long long *val)
{
    char path[CG_PATH_MAX];
    return cg_join(path, dir, len, "memory.max") && cg_read_number(path, val);
}

static bool cg_read_cpu_max(const char *dir, size_t len, long long *val)
{
    /* v2 cpu.max is "quota period" or "max period". */
    char path[CG_PATH_MAX], buf[128];
    if (!cg_join(path, dir, len, "cpu.max") || cg_read_file(path, buf, sizeof buf) <= 0)
        return false;
    char *end;
    errno = 0;
    long long quota = strtoll(buf, &end, 10);
    if (end == buf || errno != 0 || quota <= 0)
        return false;
    long long period = strtoll(end, &end, 10);
    if (errno != 0 || period <= 0)
        return false;
    long long cpus = (quota + period - 1) / period;
    *val = cpus < 1 ? 1 : cpus;
    return true;
}

static bool cg_memory_limit(uint64_t *val)
{
    const struct cg_hierarchy *h = &g_cg.memory;
    if (h->path[0] == '\0')
        return false;
    long long v;
    if (g_cg.version == 2)
    {
        if (!cg_min_up(h, cg_read_memory_max, &v))
            return false;
    }
    else
    {
        char path[CG_PATH_MAX];
        long long hierarchy = 0;
        if (cg_join(path, h->path, strlen(h->path), "memory.use_hierarchy"))
            cg_read_number(path, &hierarchy);
        if (hierarchy != 0)
        {
            if (!cg_stat_field(h, "hierarchical_memory_limit", &v))
                return false;
        }
        else if (!cg_join(path, h->path, strlen(h->path), "memory.limit_in_bytes") || !cg_read_number(path, &v))
        {
            return false;
        }
    }
    if (v < 0)
        return false;
    *val = (uint64_t)v;
    return true;
}

void cg_initialize_memory(void)
{
    cg_probe();
}

void cg_initialize_cpu(void)
{
    cg_probe();
}

void cg_cleanup(void)
{
}

size_t cg_restricted_memory_limit(void)
{
    uint64_t limit;
    if (!cg_memory_limit(&limit) || limit > CG_UNLIMITED_MEMORY)
        return 0;
    struct rlimit rl;
    if (getrlimit(RLIMIT_AS, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && (uint64_t)rl.rlim_cur < limit)
        limit = (uint64_t)rl.rlim_cur;
    long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
    if (pages > 0 && page_size > 0 && (uint64_t)pages * (uint64_t)page_size < limit)
        limit = (uint64_t)pages * (uint64_t)page_size;
    return (size_t)limit;
}

bool cg_memory_used(size_t *val)
{
    if (val == NULL)
        return false;
    const struct cg_hierarchy *h = &g_cg.memory;
    if (h->path[0] != '\0')
    {
        /* As container tools count it: usage minus the inactive page cache the kernel reclaims first. */
        char path[CG_PATH_MAX];
        long long usage, inactive;
        const char *usage_file = g_cg.version == 2 ? "memory.current" : "memory.usage_in_bytes";
        const char *inactive_field = g_cg.version == 2 ? "inactive_file" : "total_inactive_file";
        if (cg_join(path, h->path, strlen(h->path), usage_file) && cg_read_number(path, &usage) && usage >= 0
            && cg_stat_field(h, inactive_field, &inactive) && inactive >= 0)
        {
            *val = usage > inactive ? (size_t)(usage - inactive) : 0;
            return true;
        }
    }
    /* Outside a memory cgroup: the resident set, /proc/self/statm's second field, in pages. */
    char buf[256];
    if (cg_read_file("/proc/self/statm", buf, sizeof buf) <= 0)
        return false;
    char *end;
    errno = 0;
    strtoull(buf, &end, 10);
    unsigned long long resident = strtoull(end, &end, 10);
    long page_size = sysconf(_SC_PAGE_SIZE);
    if (errno != 0 || page_size <= 0)
        return false;
    *val = (size_t)(resident * (unsigned long long)page_size);
    return true;
}

static bool cg_read_v1_cpu(const char *dir, size_t len, long long *val)
{
    char path[CG_PATH_MAX];
    long long quota, period;
    if (!cg_join(path, dir, len, "cpu.cfs_quota_us") || !cg_read_number(path, &quota) || quota <= 0)
        return false;
    if (!cg_join(path, dir, len, "cpu.cfs_period_us") || !cg_read_number(path, &period) || period <= 0)
        return false;
    long long cpus = (quota + period - 1) / period;
    *val = cpus < 1 ? 1 : cpus;
    return true;
}

bool cg_cpu_limit(uint32_t *val)
{
    const struct cg_hierarchy *h = &g_cg.cpu;
    long long cpus;
    if (val == NULL || h->path[0] == '\0')
        return false;
    if (!cg_min_up(h, g_cg.version == 2 ? cg_read_cpu_max : cg_read_v1_cpu, &cpus))
        return false;
    *val = cpus > (long long)UINT32_MAX ? UINT32_MAX : (uint32_t)cpus;
    return true;
}

#ifdef CNI_CGROUP_PROBE_TEST
/*
 * Tests only: re-run the probe against a fake /proc/self/cgroup file and cgroup mount directory, as cgroup
 * version 1 or 2 (a temp directory is no cgroup2 filesystem). Returns the version, and the resolved memory
 * and cpu directories through the out buffers.
 */
__attribute__((visibility("default"))) int cni_cgroup_probe_test(const char *proc_cgroup, const char *sysfs_cgroup,
                                                                  int version, char *memory_out, char *cpu_out,
                                                                  size_t out_size)
{
    g_proc_cgroup = proc_cgroup;
    g_sysfs_cgroup = sysfs_cgroup;
    g_cg.probed = true;
    g_cg.version = version;
    cg_find_all();
    strncpy(memory_out, g_cg.memory.path, out_size - 1);
    memory_out[out_size - 1] = '\0';
    strncpy(cpu_out, g_cg.cpu.path, out_size - 1);
    cpu_out[out_size - 1] = '\0';
    return g_cg.version;
}
#endif
