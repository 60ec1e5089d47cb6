using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace HaCluster.Controller.Data.Migrations.Sqlite;

/// <inheritdoc />
public partial class Audit : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(
            name: "Address",
            table: "audit_entries",
            type: "TEXT",
            maxLength: 64,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Detail",
            table: "audit_entries",
            type: "TEXT",
            maxLength: 1024,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "RequestId",
            table: "audit_entries",
            type: "TEXT",
            maxLength: 64,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "Role",
            table: "audit_entries",
            type: "TEXT",
            maxLength: 16,
            nullable: false,
            defaultValue: "");

        migrationBuilder.AddColumn<string>(
            name: "Target",
            table: "audit_entries",
            type: "TEXT",
            maxLength: 256,
            nullable: false,
            defaultValue: "");

        migrationBuilder.CreateIndex(
            name: "IX_audit_entries_At",
            table: "audit_entries",
            column: "At");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_audit_entries_At",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Address",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Detail",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "RequestId",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Role",
            table: "audit_entries");

        migrationBuilder.DropColumn(
            name: "Target",
            table: "audit_entries");
    }
}
