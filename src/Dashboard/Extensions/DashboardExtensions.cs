using Grpc.Net.Client;
using HaCluster.Contracts;
using HaCluster.Dashboard.Components;
using HaCluster.Dashboard.Services;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace HaCluster.Dashboard.Extensions;

public static class DashboardExtensions
{
    public static WebApplicationBuilder AddDashboardServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSystemd();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddOptionsWithValidateOnStart<DashboardOptions>().BindConfiguration("Controller");
        services.AddSingleton<IValidateOptions<DashboardOptions>, DashboardOptionsValidator>();
        // The dashboard's only way to the fleet: the controller's public gRPC admin API (never its database).
        services.AddSingleton<DashboardTls>();
        services.AddSingleton(sp => ControllerAddress.OpenChannel(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.Controller, sp.GetRequiredService<DashboardTls>().Tls));
        services.AddSingleton(sp => new Admin.AdminClient(sp.GetRequiredService<GrpcChannel>()));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<FleetFeed>();
        services.AddHostedService(sp => sp.GetRequiredService<FleetFeed>());
        services.AddHealthChecks().AddCheck<FeedHealthCheck>("controller", tags: ["ready"]);
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseAntiforgery();
        app.MapStaticAssets();
        // Liveness: the process answers. Readiness: and it has the controller's live stream.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready") });
        app.MapConfigDownload();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }
}
