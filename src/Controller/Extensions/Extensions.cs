using System.Text.Json.Serialization;
using HaCluster.Controller.Agents;
using HaCluster.Controller.Alerts;
using HaCluster.Controller.Api;
using HaCluster.Controller.Data;
using HaCluster.Controller.Events;
using HaCluster.Controller.Fleet;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Groups;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Extensions;

public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Type=notify under systemd (deploy/systemd/hacluster-controller.service); nothing changes elsewhere.
        services.AddSystemd();
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddSchemaTransformer(OpenApiSchemas.DescribeImmutableArrays));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, GroupJson.Default);
            o.SerializerOptions.Converters.Add(new ImmutableArrayConverter());
            // Bodies are read strictly by GroupJson; keep the OpenAPI schema to the same numbers-only rule.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddGrpc(o => o.MaxReceiveMessageSize = 4 * 1024 * 1024);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageSettings>();
        services.AddScoped(sp => sp.GetRequiredService<StorageSettings>().CreateContext());
        services.AddSingleton<GroupWriteGate>();
        services.AddScoped<GroupStore>();
        services.AddScoped<NodeStore>();
        services.AddScoped<EventQueries>();
        services.AddSingleton<DesiredState>();
        services.AddSingleton<FleetState>();
        services.AddSingleton<FleetBus>();
        services.AddSingleton<AgentSessions>();
        services.AddControllerMetrics();
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton(builder.Configuration.GetSection("Fleet").Get<FleetOptions>() ?? new FleetOptions());
        services.AddSingleton<EventIngest>();
        services.AddHostedService(sp => sp.GetRequiredService<EventIngest>());
        services.AddHostedService<ConfigPusher>();
        services.AddHostedService<FleetMonitor>();
        services.AddSingleton(builder.Configuration.GetSection("Alerts").Get<AlertOptions>() ?? new AlertOptions());
        services.AddSingleton<AlertMetrics>();
        services.AddHostedService<AlertMailer>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealthApi();
        app.MapGroupsApi();
        app.MapFleetApi();
        app.MapGrpcService<AgentLinkService>();
        app.MapGrpcService<AdminService>();
        app.MapControllerMetrics();
        return app;
    }

    /// <summary>Applies the provider's migrations, then loads the desired state and what the history knows of the fleet.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HaClusterContext>();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            // Readers (the APIs) no longer wait for the ingest's writes, and the ingest not for them.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        }

        await FleetLoader.LoadAsync(db, app.Services.GetRequiredService<DesiredState>(), app.Services.GetRequiredService<FleetState>(), CancellationToken.None);
    }
}
