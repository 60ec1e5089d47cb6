using System.Text.Json.Serialization;
using HaCluster.Controller.Api;
using HaCluster.Controller.Data;
using HaCluster.Controller.Groups;
using HaCluster.Shared.Groups;
using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Extensions;

public static class Extensions
{
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddOpenApi(o => o.AddSchemaTransformer(OpenApiSchemas.DescribeImmutableArrays));
        services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.TypeInfoResolverChain.Insert(0, GroupJson.Default);
            o.SerializerOptions.Converters.Add(new ImmutableArrayConverter());
            // Bodies are read strictly by GroupJson; keep the OpenAPI schema to the same numbers-only rule.
            o.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<StorageSettings>();
        services.AddScoped(sp => sp.GetRequiredService<StorageSettings>().CreateContext());
        services.AddSingleton<GroupWriteGate>();
        services.AddScoped<GroupStore>();
        return builder;
    }

    public static WebApplication MapApplicationEndpoints(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapOpenApi();
        app.MapHealthApi();
        app.MapGroupsApi();
        return app;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<HaClusterContext>().Database.MigrateAsync();
    }
}
