using Cni.Linux.Netns;

namespace Cni.Sdk;

/// <summary>
/// Opens CNI_NETNS with the CNI meaning of each failure: for ADD and CHECK a missing or non-namespace path is a bad
/// environment variable (code 4, naming CNI_NETNS); for DEL an empty or vanished namespace means the container is
/// already gone, which is success (the caller gets null and skips the namespace work).
/// </summary>
public static class ContainerNetns
{
    /// <summary>For ADD and CHECK: the namespace must exist.</summary>
    public static NetNs Open(CmdArgs args)
    {
        try
        {
            return NetNs.Open(args.Netns);
        }
        catch (NetNsNotFoundException)
        {
            throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_NETNS {args.Netns}: no such network namespace");
        }
        catch (NetNsException e)
        {
            throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_NETNS {args.Netns}: not a usable network namespace", e.Message);
        }
    }

    /// <summary>For DEL: null when CNI_NETNS is empty or no longer exists; other failures still throw.</summary>
    public static NetNs? OpenIfExists(CmdArgs args)
    {
        if (string.IsNullOrEmpty(args.Netns)) return null;
        try
        {
            return NetNs.TryOpen(args.Netns); // no exception for the common case of a namespace already gone
        }
        catch (NetNsException e)
        {
            throw new CniException(CniErrorCode.InvalidEnvironment, $"CNI_NETNS {args.Netns}: not a usable network namespace", e.Message);
        }
    }
}
