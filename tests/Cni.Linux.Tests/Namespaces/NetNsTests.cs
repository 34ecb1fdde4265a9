using Cni.Linux.Netlink;
using Cni.Linux.Netns;
using Cni.TestKit;

namespace Cni.Linux.Tests.Namespaces;

public class NetNsTests
{
    [Fact]
    public void MissingPathIsNetNsNotFound()
    {
        var path = "/var/run/netns/cnit-does-not-exist-" + Environment.ProcessId;
        var e = Assert.Throws<NetNsNotFoundException>(() => NetNs.Open(path));
        Assert.Equal(path, e.Path);
        Assert.Equal("ENOENT", e.ErrnoName);
        Assert.Throws<NetNsNotFoundException>(() => RouteNetlink.OpenIn(path));
        // The non-throwing form DEL uses: a namespace already gone is null, and is not "our own".
        Assert.Null(NetNs.TryOpen(path));
        Assert.False(NetNs.IsProcessNamespace(path));
    }

    [Fact]
    public void TryOpenStillRejectsWhatIsNotANamespace()
    {
        var file = Path.GetTempFileName();
        try
        {
            Assert.Throws<NetNsException>(() => NetNs.TryOpen(file));
            using var self = NetNs.TryOpen("/proc/self/ns/net");
            Assert.NotNull(self);
            Assert.True(NetNs.IsProcessNamespace("/proc/self/ns/net"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void RegularFileIsNotANetworkNamespace()
    {
        var file = Path.GetTempFileName();
        try
        {
            var e = Assert.Throws<NetNsException>(() => NetNs.Open(file));
            Assert.IsNotType<NetNsNotFoundException>(e);
            Assert.Contains("is not a network namespace", e.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task FifoAndDirectoryAreRejectedWithoutHanging()
    {
        var dir = Directory.CreateTempSubdirectory("cni-netns-");
        try
        {
            var fifo = Path.Combine(dir.FullName, "fifo");
            Sh.Run("mkfifo", fifo).EnsureSuccess("mkfifo");
            var open = Task.Run(() => Assert.Throws<NetNsException>(() => NetNs.Open(fifo)), TestContext.Current.CancellationToken);
            var e = await open.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken); // TimeoutException if open() blocked
            Assert.Contains("is not a network namespace", e.Message);
            Assert.Contains("is not a network namespace", Assert.Throws<NetNsException>(() => NetNs.Open(dir.FullName)).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void OtherNamespaceKindIsNotANetworkNamespace()
    {
        var e = Assert.Throws<NetNsException>(() => NetNs.Open("/proc/self/ns/uts"));
        Assert.Contains("is not a network namespace", e.Message);
    }

    [Fact]
    public void OwnNamespaceIsRecognised()
    {
        Requires.Root();
        Assert.True(NetNs.IsProcessNamespace("/proc/self/ns/net"));
        Assert.True(NetNs.IsProcessNamespace($"/proc/{Environment.ProcessId}/ns/net"));
        using var ns = TestNetns.Create("own");
        Assert.False(NetNs.IsProcessNamespace(ns.Path));
        using var a = NetNs.Open(ns.Path);
        using var b = NetNs.Open(ns.Path);
        Assert.True(a.IsSameAs(b));
    }

    [Fact]
    public void RunExecutesInsideOnAnotherThreadAndLeavesCallerAlone()
    {
        Requires.Root();
        using var ns = TestNetns.Create("run");
        using var target = NetNs.Open(ns.Path);
        using var before = NetNs.OpenCurrent();

        var (inside, threadId) = target.Run(() =>
        {
            using var here = NetNs.OpenCurrent();
            return (here.IsSameAs(target), Environment.CurrentManagedThreadId);
        });
        Assert.True(inside);
        Assert.NotEqual(Environment.CurrentManagedThreadId, threadId);
        using var after = NetNs.OpenCurrent();
        Assert.True(after.IsSameAs(before));
        Assert.False(after.IsSameAs(target));

        var thrown = Assert.Throws<InvalidOperationException>(() => target.Run(new Action(() => throw new InvalidOperationException("boom"))));
        Assert.Equal("boom", thrown.Message);
    }

    [Fact]
    public void ParallelRunsEachSeeTheirOwnNamespace()
    {
        Requires.Root();
        var namespaces = Enumerable.Range(0, 4).Select(i => TestNetns.Create("par")).ToList();
        try
        {
            var handles = namespaces.Select(n => NetNs.Open(n.Path)).ToList();
            try
            {
                var seen = new bool[200];
                Parallel.For(0, seen.Length, i =>
                {
                    var target = handles[i % handles.Count];
                    seen[i] = target.Run(() =>
                    {
                        using var here = NetNs.OpenCurrent();
                        return here.IsSameAs(target) && handles.Count(h => h.IsSameAs(here)) == 1;
                    });
                });
                Assert.All(seen, Assert.True);
                using var self = NetNs.OpenCurrent();
                Assert.DoesNotContain(handles, h => h.IsSameAs(self));
            }
            finally
            {
                handles.ForEach(h => h.Dispose());
            }
        }
        finally
        {
            namespaces.ForEach(n => n.Dispose());
        }
    }

    [Fact]
    public void SocketOpenedInsideKeepsWorkingFromTheCallingThread()
    {
        Requires.Root();
        using var ns = TestNetns.Create("sock");
        using var target = NetNs.Open(ns.Path);
        using var nl = RouteNetlink.OpenIn(target);

        // The link is created through the socket from this (host-namespace) thread, yet lands inside.
        var br = nl.CreateLink(new BridgeLink { Name = "insideonly0" });
        Assert.Equal(br.Index, ns.IpJson("link", "show", "dev", "insideonly0")[0].GetProperty("ifindex").GetInt32());
        Assert.DoesNotContain("insideonly0", Sh.Run("ip", "link", "show").Stdout);
        Assert.Equal(["insideonly0", "lo"], nl.ListLinks().Select(l => l.Name).Order().ToArray());
    }

    [Fact]
    public void RunsOfOneHandleShareOneThreadWhichEndsOnDispose()
    {
        Requires.Root();
        using var ns = TestNetns.Create("worker");
        var target = NetNs.Open(ns.Path);
        int tid1, tid2, managed1, managed2;
        try
        {
            (managed1, tid1) = target.Run(() => (Environment.CurrentManagedThreadId, OsThreadId()));
            (managed2, tid2) = target.Run(() => (Environment.CurrentManagedThreadId, OsThreadId()));
            // A nested Run of the same handle runs where it is (already inside) instead of deadlocking.
            Assert.Equal(managed1, target.Run(() => target.Run(() => Environment.CurrentManagedThreadId)));
        }
        finally
        {
            target.Dispose();
        }
        Assert.Equal(managed1, managed2);
        Assert.Equal(tid1, tid2);
        Assert.NotEqual(Environment.CurrentManagedThreadId, managed1);
        // After Dispose the dedicated thread switches back and ends: its /proc task entry goes away.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (Directory.Exists($"/proc/self/task/{tid1}") && DateTime.UtcNow < deadline) Thread.Sleep(10);
        Assert.False(Directory.Exists($"/proc/self/task/{tid1}"), $"thread {tid1} still alive after Dispose");
        Assert.Throws<ObjectDisposedException>(() => target.Run(() => 1));
    }

    [Fact]
    public void RunInTheCallersOwnNamespaceStaysOnTheCallersThread()
    {
        Requires.Root();
        using var here = NetNs.OpenCurrent();
        Assert.Equal(Environment.CurrentManagedThreadId, here.Run(() => Environment.CurrentManagedThreadId));
        using var ns = TestNetns.Create("ownrun");
        using var other = NetNs.Open(ns.Path);
        // From inside another namespace, the host handle is "elsewhere" again and gets its own thread.
        var (inHost, sameThread) = other.Run(() =>
        {
            int outer = Environment.CurrentManagedThreadId;
            return here.Run(() =>
            {
                using var current = NetNs.OpenCurrent();
                return (current.IsSameAs(here), Environment.CurrentManagedThreadId == outer);
            });
        });
        Assert.True(inHost);
        Assert.False(sameThread);
    }

    [Fact]
    public void AnExceptionLeavesTheHandleUsable()
    {
        Requires.Root();
        using var ns = TestNetns.Create("throw");
        using var target = NetNs.Open(ns.Path);
        Assert.Throws<InvalidOperationException>(() => target.Run(new Action(() => throw new InvalidOperationException("first"))));
        Assert.True(target.Run(() =>
        {
            using var current = NetNs.OpenCurrent();
            return current.IsSameAs(target);
        }));
    }

    private static int OsThreadId() => int.Parse(Path.GetFileName(new DirectoryInfo("/proc/thread-self").LinkTarget!), System.Globalization.CultureInfo.InvariantCulture);
}
