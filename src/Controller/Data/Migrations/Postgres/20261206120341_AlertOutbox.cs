using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class AlertOutbox : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "alert_channels",
            columns: table => new
            {
                Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Type = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Enabled = table.Column<bool>(type: "boolean", nullable: false),
                SettingsJson = table.Column<string>(type: "character varying(16384)", maxLength: 16384, nullable: false),
                Secrets = table.Column<string>(type: "character varying(16384)", maxLength: 16384, nullable: true),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                UpdatedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alert_channels", x => x.Name);
            });

        migrationBuilder.CreateTable(
            name: "alert_deliveries",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                AlertId = table.Column<long>(type: "bigint", nullable: false),
                IncidentId = table.Column<long>(type: "bigint", nullable: true),
                Channel = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Attempts = table.Column<int>(type: "integer", nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                NextAttemptAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                LastError = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: true),
                DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                MessageKey = table.Column<string>(type: "character varying(96)", maxLength: 96, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alert_deliveries", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "alerts",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Subject = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Summary = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                EventId = table.Column<long>(type: "bigint", nullable: true),
                IncidentId = table.Column<long>(type: "bigint", nullable: true),
                Suppressed = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_alerts", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "group_quiet",
            columns: table => new
            {
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Since = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Until = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Reason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                By = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_group_quiet", x => x.GroupName);
            });

        migrationBuilder.CreateTable(
            name: "incidents",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Subject = table.Column<string>(type: "character varying(253)", maxLength: 253, nullable: false),
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Title = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                OpenedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                LastAlertAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                RecoveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                AcknowledgedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                AcknowledgedBy = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                Alerts = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_incidents", x => x.Id);
            });

        migrationBuilder.CreateIndex(
            name: "IX_alert_deliveries_AlertId",
            table: "alert_deliveries",
            column: "AlertId");

        migrationBuilder.CreateIndex(
            name: "IX_alert_deliveries_MessageKey",
            table: "alert_deliveries",
            column: "MessageKey");

        migrationBuilder.CreateIndex(
            name: "IX_alert_deliveries_Status_NextAttemptAt",
            table: "alert_deliveries",
            columns: new[] { "Status", "NextAttemptAt" });

        migrationBuilder.CreateIndex(
            name: "IX_alerts_At",
            table: "alerts",
            column: "At");

        migrationBuilder.CreateIndex(
            name: "IX_alerts_GroupName_At",
            table: "alerts",
            columns: new[] { "GroupName", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_alerts_IncidentId",
            table: "alerts",
            column: "IncidentId");

        migrationBuilder.CreateIndex(
            name: "IX_incidents_OpenedAt",
            table: "incidents",
            column: "OpenedAt");

        migrationBuilder.CreateIndex(
            name: "IX_incidents_Subject_LastAlertAt",
            table: "incidents",
            columns: new[] { "Subject", "LastAlertAt" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "alert_channels");

        migrationBuilder.DropTable(
            name: "alert_deliveries");

        migrationBuilder.DropTable(
            name: "alerts");

        migrationBuilder.DropTable(
            name: "group_quiet");

        migrationBuilder.DropTable(
            name: "incidents");
    }
}
