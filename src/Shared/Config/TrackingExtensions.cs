namespace HaCluster.Shared.Config;

/// <summary>Resolves an instance's track lines against the config's vrrp_script and vrrp_track_file blocks.</summary>
public static class TrackingExtensions
{
    public static VrrpScriptConfig? FindScript(this KeepalivedConfig config, string name) =>
        config.Scripts.FirstOrDefault(s => s.Name == name);

    public static TrackFileConfig? FindTrackFile(this KeepalivedConfig config, string name) =>
        config.TrackFiles.FirstOrDefault(f => f.Name == name);

    /// <summary>
    /// The weight a track line applies and whether it is reversed: the line's own <c>weight W [reverse]</c> when
    /// given, otherwise the tracked script's or file's; an interface without one has weight 0 (down means FAULT).
    /// An undefined script or file gives (0, false).
    /// </summary>
    public static (int Weight, bool Reverse) EffectiveWeight(this KeepalivedConfig config, TrackReference track)
    {
        if (track.Weight is { } own)
        {
            return (own, track.Reverse);
        }

        return track.Kind switch
        {
            TrackKind.Script when config.FindScript(track.Name) is { } script => (script.Weight, script.WeightReverse),
            TrackKind.File when config.FindTrackFile(track.Name) is { } file => (file.Weight, file.WeightReverse),
            _ => (0, false),
        };
    }
}
