return Cni.Sdk.PluginMain.Run(new Cni.Ipam.HostLocal.HostLocalPlugin(), "CNI host-local IPAM plugin (C#): addresses from ranges, leases shared with the reference store");
