import { useMutation, useQueryClient } from "@tanstack/react-query";
import { adminKeys } from "./admin";
import { airportKeys } from "./airports";
import { api, call } from "./client";
import { useWrite } from "./write";

/** Uploads a photo of the airport (its detail lists the photos). */
export function useAddPhoto(code: string) {
  const client = useQueryClient();
  const write = useWrite();
  return useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append("file", file);
      return write(() =>
        call(
          api.POST("/api/v1/airports/{code}/photos", {
            params: { path: { code } },
            body: { file: "" },
            bodySerializer: () => form,
          }),
        ),
      );
    },
    onSuccess: () => client.invalidateQueries({ queryKey: airportKeys.detail(code), exact: true }),
  });
}

/** An administrator deletes a photo of the airport. */
export function useDeletePhoto(code: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (photoId: string) =>
      call(api.DELETE("/api/v1/admin/photos/{photo_id}", { params: { path: { photo_id: photoId } } })),
    onSuccess: () =>
      Promise.all([
        client.invalidateQueries({ queryKey: airportKeys.detail(code), exact: true }),
        client.invalidateQueries({ queryKey: adminKeys.all }),
      ]),
  });
}
