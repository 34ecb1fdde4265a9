return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Ipvlan.IpvlanPlugin(), "CNI ipvlan plugin (C#, NativeAOT)");
