using Cni.Sdk;

namespace Cni.Ipam.HostLocal;

/// <summary>
/// Reads a resolv.conf-style file into the result's DNS, as the reference does: <c>nameserver</c> (one
/// address each), <c>domain</c> (last wins), <c>search</c> and <c>options</c> (all words); comments
/// (<c>#</c> or <c>;</c>) and lines with a single word are skipped.
/// </summary>
public static class ResolvConf
{
    public static Dns Read(string path)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CniException(CniErrorCode.InvalidNetworkConfig, $"ipam.resolvConf: cannot read {path}: {e.Message}");
        }
        var dns = new Dns();
        foreach (var raw in lines)
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#' || line[0] == ';') continue;
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 2) continue;
            switch (f[0])
            {
                case "nameserver": dns.Nameservers.Add(f[1]); break;
                case "domain": dns.Domain = f[1]; break;
                case "search": dns.Search.AddRange(f[1..]); break;
                case "options": dns.Options.AddRange(f[1..]); break;
            }
        }
        return dns;
    }
}
