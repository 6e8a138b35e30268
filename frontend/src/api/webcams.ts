import { useMutation, useQueryClient } from "@tanstack/react-query";
import { adminKeys } from "./admin";
import { airportChanged } from "./airports";
import { api, call } from "./client";
import { useWrite } from "./write";

export function useAddWebcam(code: string) {
  const client = useQueryClient();
  const write = useWrite();
  return useMutation({
    mutationFn: (url: string) =>
      write(() => call(api.POST("/api/v1/airports/{code}/webcams", { params: { path: { code } }, body: { url } }))),
    onSuccess: () => airportChanged(client, code),
  });
}

export function useRemoveWebcam(code: string) {
  const client = useQueryClient();
  const write = useWrite();
  return useMutation({
    mutationFn: (webcamId: string) =>
      write(() =>
        call(
          api.DELETE("/api/v1/airports/{code}/webcams/{webcam_id}", {
            params: { path: { code, webcam_id: webcamId } },
          }),
        ),
      ),
    onSuccess: () => airportChanged(client, code),
  });
}

/** An administrator deletes a webcam of the airport. */
export function useDeleteWebcam(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (webcamId: string) =>
      call(api.DELETE("/api/v1/admin/webcams/{webcam_id}", { params: { path: { webcam_id: webcamId } } })),
    onSuccess: () => Promise.all([airportChanged(client, code), client.invalidateQueries({ queryKey: adminKeys.all })]),
  });
}
