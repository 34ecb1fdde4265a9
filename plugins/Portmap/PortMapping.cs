using System.Net;

namespace Cni.Plugins.Portmap;

/// <summary>One entry of <c>runtimeConfig.portMappings</c>, validated; a null HostIp means every host address.</summary>
public sealed record PortMapping(string Protocol, int HostPort, int ContainerPort, IPAddress? HostIp);
