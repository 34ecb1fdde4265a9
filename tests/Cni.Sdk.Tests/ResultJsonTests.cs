using System.Net;
using System.Text;
using Cni.Linux.Net;

namespace Cni.Sdk.Tests;

/// <summary>Every row of the digest's conversion table (3.2), as golden JSON.</summary>
public class ResultJsonTests
{
    private static string Enc(Result r, string v) => Encoding.UTF8.GetString(ResultJson.Encode(r, v));
    private static Result Dec(string json, string v) => ResultJson.Decode(Encoding.UTF8.GetBytes(json), v);
    private static string Convert(string json, string from, string to) => Enc(Dec(json, from), to).TrimEnd('\n');

    private const string FullRoutes = "\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\",\"mtu\":1400,\"advmss\":1360,\"priority\":10,\"table\":0,\"scope\":0},{\"dst\":\"::/0\"}]";
    private const string FullDns = "\"dns\":{\"nameservers\":[\"10.1.0.1\"],\"domain\":\"example.org\",\"search\":[\"example.org\"],\"options\":[\"ndots:2\"]}";

    private const string Full11Body =
        "\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"aa:bb:cc:00:00:01\",\"mtu\":1450},{\"name\":\"eth0\",\"mac\":\"aa:bb:cc:00:00:02\",\"mtu\":1450,\"sandbox\":\"/var/run/netns/x\",\"socketPath\":\"/run/vhu.sock\",\"pciID\":\"0000:04:00.5\"}],"
        + "\"ips\":[{\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},{\"interface\":1,\"address\":\"10.2.0.5/16\"},{\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"}],"
        + FullRoutes + "," + FullDns + "}";

    private const string Full04Body =
        "\"interfaces\":[{\"name\":\"cni0\",\"mac\":\"aa:bb:cc:00:00:01\"},{\"name\":\"eth0\",\"mac\":\"aa:bb:cc:00:00:02\",\"sandbox\":\"/var/run/netns/x\"}],"
        + "\"ips\":[{\"version\":\"4\",\"interface\":1,\"address\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\"},{\"version\":\"4\",\"interface\":1,\"address\":\"10.2.0.5/16\"},{\"version\":\"6\",\"interface\":1,\"address\":\"fd00::5/64\",\"gateway\":\"fd00::1\"}],"
        + FullRoutes + "," + FullDns + "}";

    private const string FullLegacyBody =
        "\"ip4\":{\"ip\":\"10.1.0.5/16\",\"gateway\":\"10.1.0.1\",\"routes\":[{\"dst\":\"0.0.0.0/0\",\"gw\":\"10.1.0.1\"}]},"
        + "\"ip6\":{\"ip\":\"fd00::5/64\",\"gateway\":\"fd00::1\",\"routes\":[{\"dst\":\"::/0\"}]},"
        + FullDns + "}";

    [Fact] // model -> 1.1.0: everything, table/scope printed even at 0
    public void Full_model_as_1_1_0()
        => Assert.Equal("""{"cniVersion":"1.1.0",""" + Full11Body + "\n", Enc(Samples.Full(), "1.1.0"));

    [Fact] // 1.1 -> 1.0: relabel only, 1.1-only fields kept (as the reference does)
    public void Full_model_as_1_0_0_keeps_1_1_fields()
        => Assert.Equal("""{"cniVersion":"1.0.0",""" + Full11Body + "\n", Enc(Samples.Full(), "1.0.0"));

    [Theory] // 1.x -> 0.3.x/0.4.0: version added, interface mtu/socketPath/pciID dropped, route extras kept
    [InlineData("0.4.0")]
    [InlineData("0.3.1")]
    [InlineData("0.3.0")]
    public void Full_model_as_0_x(string v)
        => Assert.Equal($$"""{"cniVersion":"{{v}}",""" + Full04Body + "\n", Enc(Samples.Full(), v));

    [Theory] // >=0.3 -> 0.1/0.2: first address per family, routes by dst family with dst+gw only
    [InlineData("0.2.0")]
    [InlineData("0.1.0")]
    public void Full_model_as_legacy(string v)
        => Assert.Equal($$"""{"cniVersion":"{{v}}",""" + FullLegacyBody + "\n", Enc(Samples.Full(), v));

    [Fact] // a route of a family without an address is dropped in 0.1/0.2
    public void Legacy_drops_routes_of_a_family_without_address()
    {
        var r = Samples.Ipam();
        r.Routes.Add(new Route { Dst = Cidr.Parse("::/0"), Gw = IPAddress.Parse("fd00::1") });
        Assert.Equal("""{"cniVersion":"0.2.0","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0"}]},"dns":{}}""" + "\n", Enc(r, "0.2.0"));
    }

    [Theory] // no IP at all cannot be expressed in 0.1/0.2
    [InlineData("0.1.0")]
    [InlineData("0.2.0")]
    public void Legacy_without_ips_fails(string v)
    {
        var r = new Result { Interfaces = [new Interface { Name = "eth0" }] };
        var e = Assert.Throws<CniException>(() => ResultJson.Encode(r, v));
        Assert.Equal((CniErrorCode.IncompatibleVersion, "cannot convert: no valid IP addresses"), (e.Code, e.Message));
    }

    [Theory] // anything -> unknown version
    [InlineData("1.2.0")]
    [InlineData("1.1")]
    [InlineData("")]
    public void Unknown_target_version_fails(string v)
        => Assert.Equal(CniErrorCode.IncompatibleVersion, Assert.Throws<CniException>(() => ResultJson.Encode(Samples.Full(), v)).Code);

    [Fact] // IPAM results: no interfaces key and no interface index, dns {} only in 0.x
    public void Ipam_result_shapes()
    {
        Assert.Equal("""{"cniVersion":"1.1.0","ips":[{"address":"10.1.0.5/16","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}""" + "\n", Enc(Samples.Ipam(), "1.1.0"));
        Assert.Equal("""{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.0.5/16","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}""" + "\n", Enc(Samples.Ipam(), "0.4.0"));
    }

    [Fact] // an empty result: 1.x prints only the label, 0.x keeps "dns":{}
    public void Empty_result_shapes()
    {
        Assert.Equal("""{"cniVersion":"1.0.0"}""" + "\n", Enc(new Result(), "1.0.0"));
        Assert.Equal("""{"cniVersion":"0.3.1","dns":{}}""" + "\n", Enc(new Result(), "0.3.1"));
    }

    private const string Legacy020 =
        """{"cniVersion":"0.2.0","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"}]},"ip6":{"ip":"fd00::5/64","routes":[{"dst":"::/0"}]},"dns":{"nameservers":["8.8.8.8"]}}""";

    [Fact] // same -> same (0.2.0 round trip) and 0.2.0 <-> 0.1.0 relabel
    public void Legacy_round_trip_and_relabel()
    {
        Assert.Equal(Legacy020, Convert(Legacy020, "0.2.0", "0.2.0"));
        Assert.Equal(Legacy020.Replace("0.2.0", "0.1.0"), Convert(Legacy020, "0.2.0", "0.1.0"));
        Assert.Equal(Legacy020, Convert(Legacy020.Replace("0.2.0", "0.1.0"), "0.1.0", "0.2.0"));
    }

    [Fact] // 0.1/0.2 -> 0.3.x/0.4.0/1.x: ip4 then ip6 become ips, their routes join the top level
    public void Legacy_up_conversion()
    {
        Assert.Equal(
            """{"cniVersion":"0.4.0","ips":[{"version":"4","address":"10.1.0.5/16","gateway":"10.1.0.1"},{"version":"6","address":"fd00::5/64"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"::/0"}],"dns":{"nameservers":["8.8.8.8"]}}""",
            Convert(Legacy020, "0.2.0", "0.4.0"));
        Assert.Equal(
            """{"cniVersion":"1.1.0","ips":[{"address":"10.1.0.5/16","gateway":"10.1.0.1"},{"address":"fd00::5/64"}],"routes":[{"dst":"0.0.0.0/0","gw":"10.1.0.1"},{"dst":"::/0"}],"dns":{"nameservers":["8.8.8.8"]}}""",
            Convert(Legacy020, "0.2.0", "1.1.0"));
    }

    private const string V040 =
        """{"cniVersion":"0.4.0","interfaces":[{"name":"eth0","mac":"aa:bb:cc:00:00:02","sandbox":"/var/run/netns/x"}],"ips":[{"version":"4","interface":0,"address":"10.1.0.5/16","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}],"dns":{}}""";

    [Theory] // 0.3.0 <-> 0.3.1 <-> 0.4.0: relabel, every ips[] keeps version
    [InlineData("0.3.0")]
    [InlineData("0.3.1")]
    [InlineData("0.4.0")]
    public void V04_family_relabel(string to)
    {
        Assert.Equal(V040.Replace("0.4.0", to), Convert(V040, "0.4.0", to));
        Assert.Equal(V040, Convert(V040.Replace("0.4.0", to), to, "0.4.0"));
    }

    [Fact] // 0.3.x/0.4.0 -> 1.x: version dropped; interfaces keep name, mac, sandbox
    public void V04_to_v1()
    {
        var expected = """{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","mac":"aa:bb:cc:00:00:02","sandbox":"/var/run/netns/x"}],"ips":[{"interface":0,"address":"10.1.0.5/16","gateway":"10.1.0.1"}],"routes":[{"dst":"0.0.0.0/0"}]}""";
        Assert.Equal(expected, Convert(V040, "0.4.0", "1.0.0"));
    }

    [Fact] // 1.x -> 1.x round trip keeps every field; decode then encode is the identity on the full sample
    public void V1_round_trip()
    {
        var json = """{"cniVersion":"1.1.0",""" + Full11Body;
        Assert.Equal(json, Convert(json, "1.1.0", "1.1.0"));
        Assert.Equal(json.Replace("1.1.0", "1.0.0"), Convert(json, "1.1.0", "1.0.0"));
    }

    [Fact] // 1.x -> 0.4.0 from JSON: route extras survive, 1.1 interface fields do not
    public void V1_down_to_04_from_json()
    {
        var json = """{"cniVersion":"1.1.0",""" + Full11Body;
        Assert.Equal("""{"cniVersion":"0.4.0",""" + Full04Body, Convert(json, "1.1.0", "0.4.0"));
    }

    [Fact] // >=0.3 -> 0.1/0.2 from JSON
    public void V04_down_to_legacy()
        => Assert.Equal("""{"cniVersion":"0.2.0","ip4":{"ip":"10.1.0.5/16","gateway":"10.1.0.1","routes":[{"dst":"0.0.0.0/0"}]},"dns":{}}""", Convert(V040, "0.4.0", "0.2.0"));

    [Fact]
    public void Decode_with_unknown_config_version_is_code_1()
        => Assert.Equal(CniErrorCode.IncompatibleVersion, Assert.Throws<CniException>(() => Dec("{}", "2.0.0")).Code);

    [Theory]
    [InlineData("""{"ips":[{"address":"10.1.0.5"}]}""")] // no prefix
    [InlineData("""{"ips":[{"address":"10.1.0.5/16","gateway":"10.1"}]}""")] // .NET would accept this as IPv4
    [InlineData("""{"ips":[{}]}""")]
    [InlineData("""{"routes":[{"gw":"10.0.0.1"}]}""")]
    [InlineData("""{"interfaces":{}}""")]
    [InlineData("""{"ips":[{"address":"10.1.0.5/16","interface":"0"}]}""")]
    [InlineData("[]")]
    [InlineData("{")]
    public void Bad_results_are_code_6(string json)
        => Assert.Equal(CniErrorCode.DecodingFailure, Assert.Throws<CniException>(() => Dec(json, "1.1.0")).Code);

    [Fact]
    public void Clone_is_deep()
    {
        var a = Samples.Full();
        var b = a.Clone();
        b.Ips[0].Interface = 7;
        b.Interfaces[0].Name = "other";
        b.Dns.Nameservers.Add("9.9.9.9");
        Assert.Equal(1, a.Ips[0].Interface);
        Assert.Equal("cni0", a.Interfaces[0].Name);
        Assert.Single(a.Dns.Nameservers);
    }

    [Fact] // a plugin that forgot an address gets a 999, not a "/0" in its output
    public void Unset_addresses_are_refused()
    {
        var noIp = new Result { Ips = [new IpConfig()] };
        Assert.Equal(CniErrorCode.Internal, Assert.Throws<CniException>(() => ResultJson.Encode(noIp, "1.1.0")).Code);
        var noDst = new Result { Routes = [new Route { Gw = IPAddress.Parse("10.0.0.1") }] };
        Assert.Equal(CniErrorCode.Internal, Assert.Throws<CniException>(() => ResultJson.Encode(noDst, "0.4.0")).Code);
    }
}
