using System.Text;
using Cni.TestKit;

namespace Cni.Sdk.Tests;

/// <summary>
/// ExecIpam against the reference host-local binary (Debian plugins 1.1.1): proves the delegation contract
/// with a real Go IPAM plugin. Its store lives in a temp dataDir; nothing outside it is touched.
/// </summary>
public sealed class ReferenceIpamTests : IDisposable
{
    private static readonly string HostLocal = Path.Combine(Repo.ReferenceBin, "host-local");
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("cni-sdk-hostlocal-");

    public void Dispose() => _data.Delete(recursive: true);

    private CmdArgs Args(string version, string containerId)
    {
        var stdin = Encoding.UTF8.GetBytes($$$"""
            {"cniVersion":"{{{version}}}","name":"sdknet","type":"bridge",
             "ipam":{"type":"host-local","dataDir":"{{{_data.FullName}}}","subnet":"10.77.0.0/24","routes":[{"dst":"0.0.0.0/0"}]}}
            """);
        return new CmdArgs
        {
            Command = "ADD",
            ContainerId = containerId,
            Netns = "/var/run/netns/unused",
            IfName = "eth0",
            Path = [Repo.ReferenceBin],
            StdinData = stdin,
            Config = NetConf.Parse(stdin),
            Environment = new Dictionary<string, string>
            {
                ["PATH"] = "/usr/sbin:/usr/bin:/sbin:/bin",
                ["CNI_CONTAINERID"] = containerId,
                ["CNI_NETNS"] = "/var/run/netns/unused",
                ["CNI_IFNAME"] = "eth0",
                ["CNI_PATH"] = Repo.ReferenceBin,
            },
        };
    }

    private string Store => Path.Combine(_data.FullName, "sdknet");

    [Theory]
    [InlineData("0.2.0")]
    [InlineData("0.4.0")]
    [InlineData("1.0.0")]
    public void Add_check_del_round_trip(string version)
    {
        Requires.Binary(HostLocal, "reference plugins (containernetworking-plugins)");
        var ipam = new ExecIpam(TextWriter.Null);
        var a = Args(version, "sdk-cid-1");

        var r = ipam.Add(a);
        var ip = Assert.Single(r.Ips);
        Assert.Equal("10.77.0.2/24", ip.Address.ToString());
        Assert.Equal("10.77.0.1", ip.Gateway!.ToString());
        Assert.Null(ip.Interface);
        Assert.Empty(r.Interfaces);
        Assert.Equal("0.0.0.0/0", Assert.Single(r.Routes).Dst.ToString());
        Assert.StartsWith("sdk-cid-1", File.ReadAllText(Path.Combine(Store, "10.77.0.2")));

        if (version != "0.2.0") ipam.Check(a); // CHECK needs 0.4.0+
        ipam.Del(a);
        Assert.False(File.Exists(Path.Combine(Store, "10.77.0.2")));
        ipam.Del(a); // DEL is idempotent
    }

    [Fact] // the delegate's own error (999 duplicate allocation) comes back with its code and type prefix
    public void Duplicate_add_error_passes_through()
    {
        Requires.Binary(HostLocal, "reference plugins (containernetworking-plugins)");
        var ipam = new ExecIpam(TextWriter.Null);
        var a = Args("1.0.0", "sdk-cid-2");
        ipam.Add(a);
        var e = Assert.Throws<CniException>(() => ipam.Add(a));
        Assert.Equal(CniErrorCode.Internal, e.Code);
        Assert.StartsWith("host-local: ", e.Message);
        Assert.Contains("duplicate allocation", e.Message);
        ipam.Del(a);
    }

    [Fact] // 1.1.0 is newer than the reference 1.1.1 plugins: their code 1 passes through
    public void Version_error_passes_through()
    {
        Requires.Binary(HostLocal, "reference plugins (containernetworking-plugins)");
        var e = Assert.Throws<CniException>(() => new ExecIpam(TextWriter.Null).Add(Args("1.1.0", "sdk-cid-3")));
        Assert.Equal(CniErrorCode.IncompatibleVersion, e.Code);
        Assert.Equal("host-local: incompatible CNI versions", e.Message);
        Assert.NotNull(e.Details);
    }
}
