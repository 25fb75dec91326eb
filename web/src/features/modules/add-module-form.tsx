import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { useApi } from "../../api/api-context.tsx";
import { TextField } from "../common/field.tsx";
import { ErrorBanner } from "../common/status-views.tsx";
import { useToast } from "../common/toast.tsx";

/** A module key from its name: "Datto RMM (EU)" → "datto-rmm-eu". */
export function keyFromName(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 64);
}

/**
 * Adds a module from the web app (issue 13 point 6): a name (and its key); the new module's card then
 * offers the connector kinds the server describes, its schedule and Test connection.
 */
export function AddModuleForm({ onAdded }: { onAdded(key: string): void }) {
  const api = useApi();
  const toast = useToast();
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [key, setKey] = useState("");
  const [keyTouched, setKeyTouched] = useState(false);
  const shownKey = keyTouched ? key : keyFromName(name);
  const add = useMutation({
    mutationFn: () => api.request("POST /modules", { body: { key: shownKey, name: name.trim() } }),
    onSuccess: (module) => {
      toast.success(`${module.name} added: choose its connector below, test it, then save`);
      void queryClient.invalidateQueries({ queryKey: ["modules"] });
      setName("");
      setKey("");
      setKeyTouched(false);
      onAdded(module.key);
    },
  });
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    add.mutate();
  };
  return (
    <section className="card" aria-labelledby="add-module-title">
      <h2 id="add-module-title">Add a module</h2>
      <form className="form form-grid" onSubmit={onSubmit}>
        <TextField
          label="Name"
          help="As it appears on the mapping pages and in column headers."
          required
          value={name}
          placeholder="Datto RMM"
          onChange={(event) => setName(event.target.value)}
        />
        <TextField
          label="Key"
          help="A short id for the API and exports; it cannot be changed later."
          className="input mono"
          required
          value={shownKey}
          onChange={(event) => {
            setKeyTouched(true);
            setKey(event.target.value);
          }}
        />
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={add.isPending || !name.trim()}>
            {add.isPending ? "Adding…" : "Add module"}
          </button>
        </div>
      </form>
      {add.isError && <ErrorBanner error={add.error} />}
    </section>
  );
}
