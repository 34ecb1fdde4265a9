using Cni.TestKit;
namespace Cni.Linux.Tests;
public class TestKitTests
{
    [Fact]
    public void ThrowawayNamespaceIsCreatedAndRemoved()
    {
        string name;
        using (var ns = TestNetns.Create("kit"))
        {
            name = ns.Name;
            Assert.Contains(name, Sh.Run("ip", "netns", "list").Stdout);
            var links = ns.IpJson("link", "show");
            Assert.Equal("lo", links[0].GetProperty("ifname").GetString());
        }
        Assert.DoesNotContain(name, Sh.Run("ip", "netns", "list").Stdout);
    }
}
