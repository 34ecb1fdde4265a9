return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Portmap.PortmapPlugin(), "CNI portmap plugin (C#, NativeAOT)");
