using Cni.Linux.Netns;
using Cni.Linux.Tests.Namespaces;
using Cni.Linux.Threading;
using Cni.TestKit;

namespace Cni.Linux.Tests.Threading;

public sealed class PlainThreadTests
{
    [Fact]
    public void RunsTheActionOnAnotherThreadAndJoinWaitsForIt()
    {
        int caller = Environment.CurrentManagedThreadId, ran = 0;
        var t = PlainThread.Start(() =>
        {
            Thread.Sleep(50);
            ran = Environment.CurrentManagedThreadId;
        }, "test");
        t.Join();
        Assert.NotEqual(0, ran);
        Assert.NotEqual(caller, ran);
    }

    [Fact]
    public void JoinRethrowsWhatTheActionThrew()
    {
        var t = PlainThread.Start(() => throw new InvalidOperationException("boom"), "test");
        Assert.Equal("boom", Assert.Throws<InvalidOperationException>(t.Join).Message);
    }

    /// <summary>A new thread starts in its starter's network namespace (in-process IPAM relies on it, as a child process would).</summary>
    [Fact]
    public void StartsInTheStartersNetworkNamespace()
    {
        Requires.Root();
        using var s = NsScope.Create("plainthr");
        using var target = NetNs.Open(s.Ns.Path);
        bool? inside = null;
        target.Run(() =>
        {
            var t = PlainThread.Start(() =>
            {
                using var here = NetNs.Open("/proc/thread-self/ns/net");
                inside = here.IsSameAs(target);
            }, "test");
            t.Join();
        });
        Assert.True(inside);
    }
}
