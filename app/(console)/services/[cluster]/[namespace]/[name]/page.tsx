import { ServiceDetail } from '@/components/services/service-detail';

export default async function ServicePage({ params }: { params: Promise<{ cluster: string; namespace: string; name: string }> }) {
  const { cluster, namespace, name } = await params;
  return <ServiceDetail service={{ cluster: decodeURIComponent(cluster), namespace, name }} />;
}
