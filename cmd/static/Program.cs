return Cni.Sdk.PluginMain.Run(new Cni.Ipam.Static.StaticPlugin(), "CNI static IPAM plugin (C#): fixed addresses, routes and DNS");
