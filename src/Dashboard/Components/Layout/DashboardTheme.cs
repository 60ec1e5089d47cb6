using MudBlazor;

namespace HaCluster.Dashboard.Components.Layout;

/// <summary>MudBlazor's theme with the system font stack: no web font is fetched (offline use).</summary>
public static class DashboardTheme
{
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"] },
        },
    };
}
