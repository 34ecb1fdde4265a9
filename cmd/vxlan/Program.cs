return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Vxlan.VxlanPlugin(), "CNI vxlan plugin (C#, NativeAOT)");
