namespace Cni.Conformance.Checks;

/// <summary>Every §9 check, in the digest's order.</summary>
public static class Catalog
{
    public static IReadOnlyList<CheckDef> All { get; } =
    [
        .. Dispatch.All(), .. ConfigChecks.All(), .. AddChecks.All(), .. DelChecks.All(), .. CheckVerbChecks.All(),
        .. VersionChecks.All(), .. GcChecks.All(), .. StatusChecks.All(), .. RobustnessChecks.All(),
    ];
}
