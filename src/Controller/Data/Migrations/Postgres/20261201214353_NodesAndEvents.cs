using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Postgres;

/// <inheritdoc />
public partial class NodesAndEvents : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "events",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Node = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                BootId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Sequence = table.Column<long>(type: "bigint", nullable: true),
                GroupName = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Instance = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                FromState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                ToState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Priority = table.Column<int>(type: "integer", nullable: true),
                Detail = table.Column<string>(type: "text", nullable: true),
                TakeoverMs = table.Column<double>(type: "double precision", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_events", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "nodes",
            columns: table => new
            {
                Name = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                AddressesJson = table.Column<string>(type: "text", nullable: false),
                InterfacesJson = table.Column<string>(type: "text", nullable: false),
                AgentVersion = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                BootId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                FirstSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                LastSeenAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_nodes", x => x.Name);
            });

        migrationBuilder.CreateIndex(
            name: "IX_events_At",
            table: "events",
            column: "At");

        migrationBuilder.CreateIndex(
            name: "IX_events_GroupName_At",
            table: "events",
            columns: new[] { "GroupName", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_events_Node_At",
            table: "events",
            columns: new[] { "Node", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_events_Node_BootId_Sequence",
            table: "events",
            columns: new[] { "Node", "BootId", "Sequence" },
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "events");

        migrationBuilder.DropTable(
            name: "nodes");
    }
}
