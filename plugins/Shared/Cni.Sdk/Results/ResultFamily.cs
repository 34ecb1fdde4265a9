namespace Cni.Sdk;

/// <summary>
/// The three result shapes of the spec's history. Versions inside one family share a JSON shape,
/// and a prevResult is accepted only when its cniVersion belongs to the config's family.
/// </summary>
internal enum ResultFamily
{
    /// <summary>0.1.0 and 0.2.0: <c>ip4</c>/<c>ip6</c> objects with their own routes.</summary>
    Legacy,
    /// <summary>0.3.0, 0.3.1 and 0.4.0: <c>ips[]</c> with a <c>version</c> key.</summary>
    V04,
    /// <summary>1.0.0 and 1.1.0: <c>ips[]</c> without <c>version</c>.</summary>
    V1,
}

internal static class ResultFamilies
{
    public static ResultFamily Of(string version) => version switch
    {
        "0.1.0" or "0.2.0" => ResultFamily.Legacy,
        "0.3.0" or "0.3.1" or "0.4.0" => ResultFamily.V04,
        "1.0.0" or "1.1.0" => ResultFamily.V1,
        _ => throw new CniException(CniErrorCode.IncompatibleVersion, $"no converter for CNI version \"{version}\"",
            $"known versions: {string.Join(", ", CniVersions.All)}"),
    };

    public static string[] Members(ResultFamily f) => f switch
    {
        ResultFamily.Legacy => ["0.1.0", "0.2.0"],
        ResultFamily.V04 => ["0.3.0", "0.3.1", "0.4.0"],
        _ => ["1.0.0", "1.1.0"],
    };
}
